using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using LayerGen.Tests.Layers.Children;
using LayerGen.Tests.Layers.Exercises;
using LayerGen.Tests.Layers.RunTimeFeatures;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The generated whole-model training step for models holding the user's own <c>[Layer]</c>s: a model that is one such
/// layer constructed with constant sizes, and a <see cref="Sequential"/> mixing them with constant-size built-ins. The
/// oracle is today's step (<see cref="StepTwins"/>; for a lone layer: its ForwardSpan, BackwardSpan and Optimizer.Step).
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // builds twins from one seed: no other test may draw in between
public sealed class GeneratedUserLayerStepTests
{
    // Constructed here with constant sizes: each gets a constant-size kernel, and so a generated step.
    private static ILayer Linear64x8() => new MyLinear(64, 8);

    private static ILayer Bilinear() => new TensorReduction(6, 3);

    private static ILayer MlpWithChildren() => new TanhMlp(10, 12, 4);

    private static ILayer LinearThenCentered() => new Sequential(new Linear(8, 128), new CenteredLayer());

    private static ILayer MixedMlp() => new Sequential(new MyLinear(20, 16), new Linear(16, 16), new Tanh(), new MyLinear(16, 5));

    [Fact]
    public void A_lone_user_layer_gets_a_generated_step_named_by_its_kernel()
    {
        var model = Linear64x8();
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), maxRows: 4);
        Assert.True(trainer.UsesGeneratedStep);
        Assert.Equal("generated step: MyLinear[inUnits=64, units=8]", trainer.StepName);

        var sequential = LinearThenCentered();
        var second = new Trainer(sequential, new MseLoss(), new Sgd(sequential.Parameters(), 0.1), maxRows: 4);
        Assert.Equal("generated step: Linear[inFeatures=8, outFeatures=128] → CenteredLayer", second.StepName);
    }

    [Fact]
    public void A_user_layer_of_run_time_sizes_has_no_generated_step()
    {
        int inputs = 7, units = 3; // not constants: the run-time kernel, and no step
        var model = new MyLinear(inputs, units);
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), maxRows: 2);
        Assert.False(trainer.UsesGeneratedStep);
        Assert.Equal("layer by layer", trainer.StepName);
    }

    [Fact]
    public void A_layer_whose_child_reads_its_width_at_run_time_matches_the_layer_by_layer_step_bit_for_bit() =>
        StepTwins.TrainBoth(() => new SoftmaxHead(5, 4), m => new Sgd(m.Parameters(), 0.1, momentum: 0.9), () => new MseLoss(), rows: 6, classes: 0);

    [Fact]
    public void Lone_linear_with_mse_and_sgd_matches_the_layer_by_layer_step_bit_for_bit() =>
        StepTwins.TrainBoth(Linear64x8, m => new Sgd(m.Parameters(), 0.01), () => new MseLoss(), rows: 6, classes: 0);

    [Fact]
    public void Lone_linear_with_cross_entropy_and_sgd_matches_the_layer_by_layer_step_bit_for_bit() =>
        StepTwins.TrainBoth(Linear64x8, m => new Sgd(m.Parameters(), 0.01), () => new CrossEntropyLoss(8), rows: 6, classes: 8);

    [Fact]
    public void Lone_linear_with_sgd_folded_into_the_backward_matches_the_layer_by_layer_step_bit_for_bit() =>
        StepTwins.TrainBoth(Linear64x8, m => new Sgd(m.Parameters(), 0.01), () => new MseLoss(), rows: 6, classes: 0, updateInBackward: true);

    [Fact]
    public void Bilinear_exercise_layer_with_adam_matches_the_layer_by_layer_step_bit_for_bit() =>
        StepTwins.TrainBoth(Bilinear, m => new Adam(m.Parameters(), 0.01), () => new MseLoss(), rows: 5, classes: 0);

    [Fact]
    public void User_layer_with_built_in_children_and_momentum_matches_the_layer_by_layer_step_bit_for_bit() =>
        StepTwins.TrainBoth(MlpWithChildren, m => new Sgd(m.Parameters(), 0.05, momentum: 0.9), () => new CrossEntropyLoss(4), rows: 7, classes: 4);

    [Fact]
    public void User_layer_with_built_in_children_and_sgd_folded_into_the_backward_matches_bit_for_bit() =>
        StepTwins.TrainBoth(MlpWithChildren, m => new Sgd(m.Parameters(), 0.05), () => new MseLoss(), rows: 7, classes: 0, updateInBackward: true);

    [Fact]
    public void Linear_then_parameter_free_user_layer_matches_the_layer_by_layer_step_bit_for_bit() =>
        StepTwins.TrainBoth(LinearThenCentered, m => new Sgd(m.Parameters(), 0.01), () => new MseLoss(), rows: 4, classes: 0);

    [Fact]
    public void Linear_then_parameter_free_user_layer_folded_into_the_backward_matches_bit_for_bit() =>
        StepTwins.TrainBoth(LinearThenCentered, m => new Sgd(m.Parameters(), 0.01), () => new MseLoss(), rows: 4, classes: 0, updateInBackward: true);

    [Fact]
    public void Sequential_mixing_user_layers_and_built_ins_with_adam_matches_bit_for_bit() =>
        StepTwins.TrainBoth(MixedMlp, m => new Adam(m.Parameters(), 0.01), () => new CrossEntropyLoss(5), rows: 9, classes: 5);

    [Fact]
    public void Sequential_mixing_user_layers_and_built_ins_folded_into_the_backward_matches_bit_for_bit() =>
        StepTwins.TrainBoth(MixedMlp, m => new Sgd(m.Parameters(), 0.05), () => new MseLoss(), rows: 9, classes: 0, updateInBackward: true);

    [Fact]
    public void A_frozen_user_layer_parameter_stays_put()
    {
        Tensor.ManualSeed(3);
        var model = new MyLinear(64, 8);
        model.Weight.RequiresGrad = false;
        float[] before = model.Weight.Data.ToArray();
        float[] bias = model.Bias.Data.ToArray();
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.5), maxRows: 4);
        Assert.True(trainer.UsesGeneratedStep);
        trainer.Step(Tensor.Randn(4, 64), Tensor.Randn(4, 8));
        Assert.True(before.AsSpan().SequenceEqual(model.Weight.Data), "a frozen weight moved");
        Assert.False(bias.AsSpan().SequenceEqual(model.Bias.Data), "the trainable bias did not move");
    }

    [Fact]
    public void A_warm_generated_step_of_user_layers_allocates_nothing()
    {
        Tensor.ManualSeed(4);
        foreach (var model in new[] { Linear64x8(), LinearThenCentered(), MixedMlp() })
        {
            var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.01, momentum: 0.9), maxRows: 8);
            Assert.True(trainer.UsesGeneratedStep, model.LayerName);
            var x = Tensor.Randn(8, model.InputRowLength).Data.ToArray();
            var y = Tensor.Randn(8, model.OutputRowLength).Data.ToArray();
            Assert.Equal(0, Allocations.AfterWarmUp(() => trainer.Step(x, y, 8)));
        }
    }

    [Fact]
    public void A_wrong_input_length_is_refused_before_anything_runs()
    {
        var model = Linear64x8();
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), maxRows: 4);
        Assert.True(trainer.UsesGeneratedStep);
        Assert.Throws<ArgumentException>(() => trainer.Step(new float[2 * 64 - 1], new float[2 * 8], 2));
    }
}
