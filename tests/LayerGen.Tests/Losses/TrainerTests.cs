using System;
using System.Linq;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Losses;

/// <summary>The training step as one call: zero allocation when warm, and bit-identical runs under one seed.</summary>
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
        for (int i = 0; i < 20; i++)
        {
            trainer.Step(features, labels);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            trainer.Step(features, labels);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
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
}
