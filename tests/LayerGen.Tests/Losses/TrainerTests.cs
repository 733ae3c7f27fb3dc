using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Losses;

/// <summary>
/// The training step as one call: zero allocation when warm, bit-identical runs under one seed, and the
/// same training as the eager reference path when the batch size changes between steps.
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // builds twins from one seed: no other test may draw in between
public class TrainerTests
{
    private static (Trainer Trainer, Tensor Features, int[] Labels) Setup(ulong seed)
    {
        Tensor.ManualSeed(seed);
        var model = new Sequential(new MyLinear(64, 8), new Linear(8, 10));
        var trainer = new Trainer(model, new CrossEntropyLoss(10), new Adam(model.Parameters(), 1e-2), maxRows: 16);
        var features = Tensor.Randn(16, 64);
        var labels = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        return (trainer, features, labels);
    }

    [Fact]
    public void A_warm_training_step_allocates_nothing()
    {
        var (trainer, features, labels) = Setup(1);
        Assert.Equal(0, Allocations.AfterWarmUp(() => trainer.Step(features, labels), calls: 200));
    }

    [Fact]
    public void Training_reduces_the_loss_on_a_fixed_batch()
    {
        var (trainer, features, labels) = Setup(2);
        float first = trainer.Step(features, labels);
        float last = first;
        for (int i = 0; i < 100; i++)
        {
            last = trainer.Step(features, labels);
        }

        Assert.True(last < first * 0.2f, $"loss went from {first} to {last}");
    }

    [Fact]
    public void Two_runs_with_the_same_seed_give_bit_identical_weights()
    {
        float[] Run()
        {
            var (trainer, features, labels) = Setup(3);
            for (int i = 0; i < 30; i++)
            {
                trainer.Step(features, labels);
            }

            return trainer.Model.Parameters().SelectMany(p => p.Data).ToArray();
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void A_shape_agnostic_last_layer_keeps_the_row_length_the_layer_before_it_produced()
    {
        Tensor.ManualSeed(4);
        var model = new Sequential(new Linear(8, 128), new CenteredLayer());
        Assert.Equal(128, model.OutputRowLength);
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.01), maxRows: 4);
        float loss = trainer.Step(Tensor.Randn(4, 8), Tensor.Randn(4, 128));
        Assert.True(float.IsFinite(loss));
    }

    [Fact]
    public void Batches_of_changing_size_train_as_the_eager_reference_does()
    {
        // The trainer reads the sizes of a batch size once and reuses them while the size stays; a change
        // (6 → 2 → 6 → 1 rows) must be planned anew. The oracle is the eager path: CallEager through the
        // same three layers of a twin model, the MSE written as tensor operations, Backward, the same SGD.
        Tensor.ManualSeed(5);
        var l1 = new Linear(5, 7);
        var l3 = new Linear(7, 3);
        var model = new Sequential(l1, new Tanh(), l3);
        Tensor.ManualSeed(5);
        var e1 = new Linear(5, 7);
        var e2 = new Tanh();
        var e3 = new Linear(7, 3);
        Tensor[] eagerParameters = [e1.Weight, e1.Bias, e3.Weight, e3.Bias];
        Assert.Equal(model.Parameters().SelectMany(p => p.Data), eagerParameters.SelectMany(p => p.Data));

        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1, momentum: 0.9), maxRows: 6);
        var eagerSgd = new Sgd(eagerParameters, 0.1, momentum: 0.9);
        int step = 0;
        foreach (int rows in new[] { 6, 2, 6, 1, 1, 6 })
        {
            Tensor x = Tensor.Randn(rows, 5);
            Tensor target = Tensor.Randn(rows, 3);
            float loss = trainer.Step(x, target);

            eagerSgd.ZeroGrad();
            Tensor y = e3.CallEager(e2.CallEager(e1.CallEager(x)));
            Tensor eagerLoss = ((y - target) * (y - target)).Mean();
            eagerLoss.Backward();
            eagerSgd.Step();

            Assert.True(
                TensorAssert.IsClose(eagerLoss.Item(), loss, 1e-6, 1e-5),
                $"step {step} ({rows} rows): loss {loss:G9}, eager {eagerLoss.Item():G9}");
            Tensor[] ours = model.Parameters().ToArray();
            for (int i = 0; i < ours.Length; i++)
            {
                var expected = new FixtureTensor(eagerParameters[i].Shape.ToArray(), eagerParameters[i].Data.Select(v => (double)v).ToArray());
                TensorAssert.Close(expected, ours[i].Data, ours[i].Shape, $"step {step} ({rows} rows) parameter {i}", atol: 1e-6, rtol: 1e-5);
            }

            step++;
        }
    }
}
