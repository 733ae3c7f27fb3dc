using System;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Layers.RunTimeFeatures;

/// <summary>
/// More than one trailing size nothing fixes — <c>x.Sum(-2)</c>, <c>x.Softmax(-2)</c> on an input declaring nothing —
/// gives the layer one run-time size per feature dimension (<c>features1</c>, <c>features2</c>), each read from the
/// input's shape at a tensor call; the span API is told them through the generated <c>SetInputFeatures</c> (a row
/// length cannot say how to split), and a parent holding such a child tells it those it passes. Checked against
/// PyTorch, the eager path on several shapes with one instance, finite differences and the span API.
/// </summary>
public class RunTimeSeveralSizesTests
{
    private static T FromVariable<T>(T value) => value;

    [Fact]
    public void A_sum_over_the_second_last_axis_matches_PyTorch()
    {
        var layer = new SumOverSteps();
        Assert.Equal("SumOverSteps[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("rtf_sum_steps"));
        Assert.Equal(3 * 4, layer.InputRowLength);
        Assert.Equal(4, layer.OutputRowLength);
    }

    [Fact]
    public void A_softmax_over_the_second_last_axis_matches_PyTorch()
    {
        var layer = new StepSoftmax();
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("rtf_softmax_steps"));
        Assert.Equal(3 * 5, layer.InputRowLength);
    }

    [Fact]
    public void One_instance_serves_inputs_of_any_trailing_sizes()
    {
        Tensor.ManualSeed(41);
        ILayer[] layers = { new SumOverSteps(), new StepSoftmax() };
        foreach (var layer in layers)
        {
            foreach (int[] shape in new[] { new[] { 2, 3, 4 }, new[] { 4, 5, 2 }, new[] { 2, 2, 3, 6 }, new[] { 1, 1, 9 } })
            {
                var x = Tensor.Randn(shape);
                var generated = layer.Call(x);
                var eager = layer.CallEager(x);
                Assert.Equal(eager.Shape.ToArray(), generated.Shape.ToArray());
                TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), generated.Data, generated.Shape, $"{layer.LayerName} x {Tensor.FormatShape(shape)}");
                Assert.Equal(shape[^2] * shape[^1], layer.InputRowLength);
            }
        }
    }

    [Fact]
    public void A_gradient_through_the_softmax_over_steps_matches_finite_differences()
    {
        Tensor.ManualSeed(42);
        var layer = new StepSoftmax();
        var x = Tensor.Randn(2, 3, 4);
        var weights = Tensor.Randn(2, 3, 4);
        x.RequiresGrad = true;
        (layer.Call(x) * weights).Sum().Backward();

        const float h = 1e-2f;
        for (int i = 0; i < x.Count; i++)
        {
            float Loss(float delta)
            {
                var shifted = Tensor.From((float[])x.Data.Clone(), 2, 3, 4);
                shifted.Data[i] += delta;
                return (layer.CallEager(shifted) * weights).Sum().Item();
            }

            float numeric = (Loss(h) - Loss(-h)) / (2 * h);
            Assert.True(Math.Abs(numeric - x.Grad!.Data[i]) <= 2e-3 + 2e-3 * Math.Abs(numeric), $"d/dx[{i}]: numeric {numeric}, generated {x.Grad!.Data[i]}");
        }
    }

    [Fact]
    public void The_span_API_is_told_the_sizes_through_SetInputFeatures()
    {
        Tensor.ManualSeed(43);
        var layer = new StepSoftmax();
        Assert.Equal(0, layer.InputRowLength);
        Assert.Equal(0, layer.OutputRowLength);
        layer.SetInputFeatures(3, 4);
        Assert.Equal(12, layer.InputRowLength);
        var x = Tensor.Randn(5, 3, 4);
        var output = new float[5 * 12];
        var saved = new float[layer.SavedLength(5)];
        layer.ForwardSpan(5, x.Data, output, saved);
        var eager = layer.CallEager(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), output, eager.Shape, "span forward");
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.SetInputFeatures(-1, 4));
    }

    [Theory]
    [InlineData("specialised")]
    [InlineData("run-time")]
    public void A_parent_tells_such_a_child_the_sizes_it_passes_and_matches_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new AttentionPool(4, 3) : new AttentionPool(FromVariable(5), FromVariable(2));
        Assert.Equal(kernel == "specialised" ? "AttentionPool[steps=4, d=3]" : "AttentionPool[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(kernel == "specialised" ? "rtf_attention_pool" : "rtf_attention_pool_runtime"));
    }
}

/// <summary><c>x.sum(-2)</c>: nothing declares x.</summary>
[Layer]
public partial class SumOverSteps
{
    Tensor Forward(Tensor x) => x.Sum(-2);
}

/// <summary><c>torch.softmax(x, dim=-2)</c>: nothing declares x.</summary>
[Layer]
public partial class StepSoftmax
{
    Tensor Forward(Tensor x) => x.Softmax(-2);
}

/// <summary>Attention pooling over steps: weights from a child softmax over steps that declares nothing.</summary>
[Layer(Input = "[*, steps, d]")]
public partial class AttentionPool(int steps, int d)
{
    StepSoftmax softmax = new();

    Tensor Forward(Tensor x) => (softmax.Call(x) * x).Sum(-2);
}
