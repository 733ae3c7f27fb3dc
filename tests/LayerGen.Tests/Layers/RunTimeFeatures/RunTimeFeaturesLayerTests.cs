using System;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Layers.RunTimeFeatures;

/// <summary>
/// A layer whose forward reads an axis of its input but whose features nothing fixes — <c>x.Softmax(-1)</c> with no
/// parameter and no declared input, as a PyTorch user writes it — gets a run-time size of its own (its input's last
/// dimension, read at each call) instead of LG0005. Checked through the generated run-time kernel against libtorch's
/// fixtures, inside a Sequential's span API (which tells it the width of the layer before), and in a Trainer.
/// </summary>
public class RunTimeFeaturesLayerTests
{
    [Fact]
    public void Softmax_with_no_declaration_matches_libtorch_through_the_generated_kernel()
    {
        var layer = new UndeclaredSoftmax();
        Assert.Equal("UndeclaredSoftmax[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("op_softmax_last"));
        Assert.Equal(7, layer.InputRowLength); // read from the fixture's x [3, 7]
    }

    [Fact]
    public void Log_softmax_with_no_declaration_matches_libtorch_through_the_generated_kernel()
    {
        var layer = new UndeclaredLogSoftmax();
        Assert.Equal("UndeclaredLogSoftmax[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("op_log_softmax_last"));
    }

    [Fact]
    public void One_instance_serves_inputs_of_any_width_and_rank()
    {
        Tensor.ManualSeed(11);
        var layer = new RowNormalise();
        foreach (int[] shape in new[] { new[] { 4, 5 }, new[] { 2, 3, 9 }, new[] { 6 }, new[] { 3, 1 } })
        {
            var x = Tensor.Rand(shape) + 0.5f;
            var generated = layer.Call(x);
            var eager = layer.CallEager(x);
            Assert.Equal(eager.Shape.ToArray(), generated.Shape.ToArray());
            TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), generated.Data, generated.Shape, $"x {Tensor.FormatShape(shape)}");
            Assert.Equal(shape[^1], layer.InputRowLength);
        }
    }

    [Fact]
    public void A_gradient_through_the_run_time_kernel_matches_finite_differences()
    {
        Tensor.ManualSeed(12);
        var layer = new RowNormalise();
        var x = Tensor.Rand(3, 4) + 0.5f;
        var weights = Tensor.Randn(3, 4);
        x.RequiresGrad = true;
        (layer.Call(x) * weights).Sum().Backward();

        const float h = 1e-2f;
        for (int i = 0; i < x.Count; i++)
        {
            float Loss(float delta)
            {
                var shifted = Tensor.From((float[])x.Data.Clone(), 3, 4);
                shifted.Data[i] += delta;
                return (layer.CallEager(shifted) * weights).Sum().Item();
            }

            float numeric = (Loss(h) - Loss(-h)) / (2 * h);
            Assert.True(Math.Abs(numeric - x.Grad!.Data[i]) <= 2e-3 + 2e-3 * Math.Abs(numeric), $"d/dx[{i}]: numeric {numeric}, generated {x.Grad!.Data[i]}");
        }
    }

    [Fact]
    public void A_Sequential_tells_it_the_width_of_the_layer_before_and_its_span_API_runs()
    {
        Tensor.ManualSeed(13);
        var softmax = new UndeclaredSoftmax();
        var model = new Sequential(new Linear(4, 6), new ReLU(), softmax);
        Assert.Equal(6, softmax.InputRowLength); // through the shape-agnostic ReLU
        Assert.Equal(6, model.OutputRowLength);

        var x = Tensor.Randn(5, 4);
        var output = new float[5 * 6];
        var saved = new float[model.SavedLength(5)];
        model.ForwardSpan(5, x.Data, output, saved);
        var eager = model.CallEager(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), output, eager.Shape, "span forward");
    }

    [Fact]
    public void A_Sequential_refuses_an_instance_told_another_width()
    {
        var softmax = new UndeclaredSoftmax();
        _ = new Sequential(new Linear(4, 6), softmax);
        var refusal = Assert.Throws<ArgumentException>(() => new Sequential(new Linear(4, 3), softmax));
        Assert.Contains("layer 1 (UndeclaredSoftmax) reads its features from its input and was last told 6, but layer 0 (Linear) produces rows of 3", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Trainer_steps_a_model_ending_in_one_with_the_loss_the_eager_path_gives()
    {
        Tensor.ManualSeed(14);
        var model = new Sequential(new Linear(4, 6), new UndeclaredLogSoftmax());
        var loss = new MseLoss();
        var trainer = new Trainer(model, loss, new Sgd(model.Parameters(), 0.1), maxRows: 3);
        var x = Tensor.Randn(3, 4);
        var target = Tensor.Randn(3, 6);
        for (int step = 0; step < 3; step++)
        {
            float expected = loss.CallEager(model.CallEager(x), target).Item();
            float actual = trainer.Step(x, target);
            Assert.True(TensorAssert.IsClose(expected, actual, 1e-6, 1e-5), $"step {step}: eager {expected}, trainer {actual}");
        }
    }

    [Fact]
    public void A_Trainer_refuses_a_model_whose_first_layer_is_not_told_its_features()
    {
        var model = new Sequential(new UndeclaredSoftmax(), new Linear(6, 2));
        var refusal = Assert.Throws<ArgumentException>(() => new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), maxRows: 3));
        Assert.Contains("set that layer's InputRowLength", refusal.Message, StringComparison.Ordinal);
    }
}

/// <summary><c>F.softmax(x, dim=-1)</c> as a layer: no parameter, no declared input.</summary>
[Layer]
public partial class UndeclaredSoftmax
{
    Tensor Forward(Tensor x) => x.Softmax(-1);
}

/// <summary><c>F.log_softmax(x, dim=-1)</c> as a layer.</summary>
[Layer]
public partial class UndeclaredLogSoftmax
{
    Tensor Forward(Tensor x) => Ops.LogSoftmax(x, -1);
}

/// <summary>Each row divided by its sum (D2L's softmax from scratch, after the exponential).</summary>
[Layer]
public partial class RowNormalise
{
    Tensor Forward(Tensor x) => x / x.Sum(-1, keepDim: true);
}
