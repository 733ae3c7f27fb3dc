using System;
using System.Linq;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// <see cref="Trainer"/> runs a <see cref="Sequential"/> model's optimiser update layer by layer inside the
/// backward pass. The oracle is the order PyTorch's loop has (and the trainer had): the whole span backward,
/// then <see cref="Optimizer.Step()"/>, on a twin model built from the same seed; the weights must agree bit
/// for bit, step after step, including a layer used at two positions (its parameters must wait until the
/// earlier position's backward has read them).
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // builds twins from one seed: no other test may draw in between
public class LayerwiseOptimizerStepsTests
{
    private const int Rows = 5;

    private static (Sequential Model, Optimizer Optimizer) Build(ulong seed, Func<Sequential, Optimizer> optimizer, bool shared)
    {
        Tensor.ManualSeed(seed);
        var first = new Linear(6, 6);
        var model = shared
            ? new Sequential(first, new Tanh(), new Linear(6, 6), new Tanh(), first, new Linear(6, 3))
            : new Sequential(first, new Tanh(), new Linear(6, 6), new Tanh(), new Linear(6, 3));
        return (model, optimizer(model));
    }

    // The reference step over the span API: forward, MSE, the whole backward, then one optimiser pass.
    private static void ReferenceStep(Sequential model, Optimizer optimizer, MseLoss loss, float[] x, float[] target)
    {
        var output = new float[Rows * model.OutputRowLength];
        var outputGrad = new float[output.Length];
        var saved = new float[model.SavedLength(Rows)];
        var lossSaved = new float[loss.SavedLength(Rows * model.OutputRowLength / loss.InputRowLength)];
        int lossRows = Rows * model.OutputRowLength / loss.InputRowLength;
        optimizer.ZeroGrad();
        model.ForwardSpan(Rows, x, output, saved);
        loss.ForwardSpan(lossRows, output, target, lossSaved);
        loss.BackwardSpan(lossRows, output, target, 1f, outputGrad, lossSaved);
        model.BackwardSpan(Rows, x, output, outputGrad, Span<float>.Empty, saved);
        optimizer.Step();
    }

    private static void TrainBoth(Func<Sequential, Optimizer> optimizer, bool shared)
    {
        var (model, modelOptimizer) = Build(7, optimizer, shared);
        var (twin, twinOptimizer) = Build(7, optimizer, shared);
        var trainer = new Trainer(model, new MseLoss(), modelOptimizer, maxRows: Rows);
        var twinLoss = new MseLoss();
        Tensor.ManualSeed(8);
        for (int step = 0; step < 6; step++)
        {
            var x = Tensor.Randn(Rows, 6).Data.ToArray();
            var target = Tensor.Randn(Rows, 3).Data.ToArray();
            trainer.Step(x, target, Rows);
            ReferenceStep(twin, twinOptimizer, twinLoss, x, target);

            var ours = model.Parameters().ToArray();
            var expected = twin.Parameters().ToArray();
            Assert.Equal(expected.Length, ours.Length);
            for (int i = 0; i < ours.Length; i++)
            {
                Assert.True(expected[i].Data.SequenceEqual(ours[i].Data), $"step {step}: parameter {i} differs from the separate optimiser pass");
            }
        }
    }

    [Fact]
    public void Sgd_with_momentum_matches_a_separate_optimiser_pass_bit_for_bit() =>
        TrainBoth(m => new Sgd(m.Parameters(), 0.1, momentum: 0.9, weightDecay: 1e-3), shared: false);

    [Fact]
    public void Adam_matches_a_separate_optimiser_pass_bit_for_bit() =>
        TrainBoth(m => new Adam(m.Parameters(), 0.01), shared: false);

    [Fact]
    public void A_layer_used_twice_is_updated_only_after_its_first_position_is_done() =>
        TrainBoth(m => new Sgd(m.Parameters(), 0.5), shared: true);

    [Fact]
    public void Optimiser_parameters_outside_the_model_are_still_updated()
    {
        // A tensor the optimiser holds but no layer does: ZeroGrad zeroes its gradient, so only the weight
        // decay moves it, once per step: p + (-lr)·(0 + wd·p), in float as Sgd computes it.
        Tensor.ManualSeed(9);
        var model = new Sequential(new Linear(6, 3));
        var extra = Tensor.Randn(4);
        extra.RequiresGrad = true; // trainable: optimisers skip frozen tensors
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters().Append(extra), 0.5, weightDecay: 0.1), maxRows: Rows);
        extra.Grad = Tensor.Ones(4);
        float[] expected = extra.Data.Select(p => p + (-0.5f * (0f + (0.1f * p)))).ToArray();
        trainer.Step(Tensor.Randn(Rows, 6).Data.ToArray(), Tensor.Randn(Rows, 3).Data.ToArray(), Rows);
        Assert.Equal(expected, extra.Data.ToArray());
    }
}
