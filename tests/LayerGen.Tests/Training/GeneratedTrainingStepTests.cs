using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The generated whole-model training step (one method: every layer's forward kernel, the loss, every backward kernel
/// and the optimiser's updates) against the oracle of today's step: the same model, twinned from the same seed, trained
/// by a <see cref="Trainer"/> told not to use it (<see cref="Trainer.UsesGeneratedStep"/> = false), which steps layer by
/// layer through the span API. The generated step calls the same kernels in the same order, so parameters and losses
/// must agree bit for bit, step after step.
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // builds twins from one seed: no other test may draw in between
public class GeneratedTrainingStepTests
{
    private static Sequential Mlp784() => new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));

    private static Sequential TanhMlp() => new Sequential(new Linear(32, 64), new Tanh(), new Linear(64, 64), new Tanh(), new Linear(64, 1));

    private static Sequential SigmoidNet() => new Sequential(new Linear(12, 7), new Sigmoid(), new Linear(7, 3));

    [Fact]
    public void The_trainer_names_the_generated_step_and_the_layer_by_layer_one()
    {
        var model = Mlp784();
        var trainer = new Trainer(model, new CrossEntropyLoss(10), new Sgd(model.Parameters(), 0.1), maxRows: 4);
        Assert.True(trainer.UsesGeneratedStep);
        Assert.Equal(
            "generated step: Linear[inFeatures=784, outFeatures=256] → ReLU → Linear[inFeatures=256, outFeatures=10]",
            trainer.StepName);

        trainer.UsesGeneratedStep = false;
        Assert.Equal("layer by layer", trainer.StepName);

        var inBackward = new Trainer(model, new CrossEntropyLoss(10), new Sgd(model.Parameters(), 0.1), maxRows: 4, updateInBackward: true);
        Assert.True(inBackward.UsesGeneratedStep);
        Assert.Equal(
            "generated step: Linear[inFeatures=784, outFeatures=256] → ReLU → Linear[inFeatures=256, outFeatures=10], update in backward",
            inBackward.StepName);
        inBackward.UsesGeneratedStep = false;
        Assert.Equal("layer by layer, update in backward", inBackward.StepName);
    }

    [Fact]
    public void A_model_of_run_time_sizes_has_no_generated_step()
    {
        int inputs = 5, outputs = 3; // not constants: no kernel, and no step, is generated for them
        var model = new Sequential(new Linear(inputs, outputs), new ReLU());
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), maxRows: 2);
        Assert.False(trainer.UsesGeneratedStep);
        Assert.Equal("layer by layer", trainer.StepName);
        Assert.Throws<InvalidOperationException>(() => trainer.UsesGeneratedStep = true);
    }

    [Fact]
    public void Mlp_with_cross_entropy_and_sgd_matches_the_layer_by_layer_step_bit_for_bit() =>
        TrainBoth(Mlp784, m => new Sgd(m.Parameters(), 0.1), new CrossEntropyLoss(10), new CrossEntropyLoss(10), rows: 8, classes: 10);

    [Fact]
    public void Tanh_mlp_with_mse_and_momentum_matches_the_layer_by_layer_step_bit_for_bit() =>
        TrainBoth(TanhMlp, m => new Sgd(m.Parameters(), 0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: true), new MseLoss(), new MseLoss(), rows: 16, classes: 0);

    [Fact]
    public void Sigmoid_net_with_adam_matches_the_layer_by_layer_step_bit_for_bit() =>
        TrainBoth(SigmoidNet, m => new Adam(m.Parameters(), 0.01), new CrossEntropyLoss(3), new CrossEntropyLoss(3), rows: 5, classes: 3);

    [Fact]
    public void Sgd_folded_into_the_backward_matches_the_layer_by_layer_step_folded_likewise_bit_for_bit() =>
        TrainBoth(TanhMlp, m => new Sgd(m.Parameters(), 0.05), new MseLoss(), new MseLoss(), rows: 16, classes: 0, updateInBackward: true);

    [Fact]
    public void Mlp_with_sgd_folded_into_the_backward_matches_the_layer_by_layer_step_bit_for_bit() =>
        TrainBoth(Mlp784, m => new Sgd(m.Parameters(), 0.1), new CrossEntropyLoss(10), new CrossEntropyLoss(10), rows: 8, classes: 10, updateInBackward: true);

    [Fact]
    public void Frozen_parameters_stay_put_in_the_generated_step()
    {
        Tensor.ManualSeed(3);
        var model = SigmoidNet();
        var frozen = ((Linear)model[0]).Weight;
        frozen.RequiresGrad = false;
        float[] before = frozen.Data.ToArray();
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.5), maxRows: 4);
        Assert.True(trainer.UsesGeneratedStep);
        var x = Tensor.Randn(4, 12);
        var y = Tensor.Randn(4, 3);
        float[] bias = ((Linear)model[0]).Bias.Data.ToArray();
        trainer.Step(x, y);
        Assert.True(before.AsSpan().SequenceEqual(frozen.Data), "a frozen weight moved");
        Assert.False(bias.AsSpan().SequenceEqual(((Linear)model[0]).Bias.Data), "the trainable bias did not move");
    }

    [Fact]
    public void A_warm_generated_step_allocates_nothing()
    {
        Tensor.ManualSeed(4);
        var model = TanhMlp();
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.01, momentum: 0.9), maxRows: 16);
        Assert.True(trainer.UsesGeneratedStep);
        var x = Tensor.Randn(16, 32).Data.ToArray();
        var y = Tensor.Randn(16, 1).Data.ToArray();
        Assert.Equal(0, Allocations.AfterWarmUp(() => trainer.Step(x, y, 16)));
    }

    [Fact]
    public void A_wrong_input_length_is_refused_before_anything_runs()
    {
        var model = SigmoidNet();
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), maxRows: 4);
        Assert.True(trainer.UsesGeneratedStep);
        Assert.Throws<ArgumentException>(() => trainer.Step(new float[2 * 12 - 1], new float[2 * 3], 2));
    }

    private static void TrainBoth(Func<Sequential> build, Func<Sequential, Optimizer> optimizer, ILoss loss, ILoss twinLoss, int rows, int classes, bool updateInBackward = false)
    {
        Tensor.ManualSeed(11);
        var model = build();
        Tensor.ManualSeed(11);
        var twin = build();
        var trainer = new Trainer(model, loss, optimizer(model), maxRows: rows, updateInBackward);
        var reference = new Trainer(twin, twinLoss, optimizer(twin), maxRows: rows, updateInBackward) { UsesGeneratedStep = false };
        Assert.StartsWith("generated step: ", trainer.StepName);
        Assert.StartsWith("layer by layer", reference.StepName);

        Tensor.ManualSeed(12);
        var random = new Random(12);
        for (int step = 0; step < 5; step++)
        {
            // Smaller batches too: the step's layout follows the rows.
            int batch = step == 3 ? rows - 1 : rows;
            var x = Tensor.Randn(batch, model.InputRowLength).Data.ToArray();
            float[] target = classes > 0
                ? Enumerable.Range(0, batch).Select(_ => (float)random.Next(classes)).ToArray()
                : Tensor.Randn(batch, model.OutputRowLength).Data.ToArray();
            float ours = trainer.Step(x, target, batch);
            float expected = reference.Step(x, target, batch);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(ours));

            var oursParameters = model.Parameters().ToArray();
            var expectedParameters = twin.Parameters().ToArray();
            for (int i = 0; i < oursParameters.Length; i++)
            {
                Assert.True(expectedParameters[i].Data.SequenceEqual(oursParameters[i].Data), $"step {step}: parameter {i} differs from the layer-by-layer step");
                if (!updateInBackward) // folded into the backward, no gradient is stored
                {
                    Assert.True(expectedParameters[i].Grad!.Data.SequenceEqual(oursParameters[i].Grad!.Data), $"step {step}: gradient {i} differs from the layer-by-layer step");
                }
            }
        }
    }
}
