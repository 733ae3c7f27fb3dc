using System;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Layers.RunTimeFeatures;

/// <summary>
/// A layer that reads its features at run time (<see cref="UndeclaredSoftmax"/>: <c>x.Softmax(-1)</c>, nothing else) as
/// the child of another layer: the parent's kernels tell it the width they pass it — a constant in the parent's
/// constant specialisation, the parent's size otherwise, and, in a parent whose own features nothing fixes, the
/// width the parent reads from its input. Checked against PyTorch on both kernels, the eager path, finite
/// differences, and a Sequential's span API.
/// </summary>
public class RunTimeFeaturesChildTests
{
    private static T FromVariable<T>(T value) => value;

    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_parent_whose_sizes_give_the_childs_width_matches_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new SoftmaxHead(5, 4) : new SoftmaxHead(FromVariable(3), FromVariable(7));
        Assert.Equal(kernel == "specialised" ? "SoftmaxHead[n=5, k=4]" : "SoftmaxHead[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(kernel == "specialised" ? "rtf_softmax_head" : "rtf_softmax_head_runtime"));
    }

    [Fact]
    public void The_parents_span_API_tells_the_child_its_width_before_the_child_is_laid_out()
    {
        Tensor.ManualSeed(21);
        var layer = new SoftmaxHead(FromVariable(3), FromVariable(6));
        var x = Tensor.Randn(4, 3);
        var output = new float[4 * 6];
        var saved = new float[layer.SavedLength(4)];
        layer.ForwardSpan(4, x.Data, output, saved);
        var eager = layer.CallEager(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), output, eager.Shape, "span forward");
    }

    [Fact]
    public void A_parent_whose_features_nothing_fixes_reads_them_and_passes_them_on_for_any_width()
    {
        Tensor.ManualSeed(22);
        var layer = new Sharpened();
        Assert.Equal("Sharpened[run-time sizes]", layer.KernelName);
        foreach (int[] shape in new[] { new[] { 4, 5 }, new[] { 2, 3, 9 }, new[] { 3, 1 }, new[] { 2, 17 } })
        {
            var x = Tensor.Randn(shape);
            var generated = layer.Call(x);
            var eager = layer.CallEager(x);
            Assert.Equal(eager.Shape.ToArray(), generated.Shape.ToArray());
            TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), generated.Data, generated.Shape, $"x {Tensor.FormatShape(shape)}");
            Assert.Equal(shape[^1], layer.InputRowLength);
        }
    }

    [Fact]
    public void A_gradient_through_the_parent_and_its_child_matches_finite_differences()
    {
        Tensor.ManualSeed(23);
        var layer = new Sharpened();
        var x = Tensor.Randn(3, 5);
        var weights = Tensor.Randn(3, 5);
        x.RequiresGrad = true;
        (layer.Call(x) * weights).Sum().Backward();

        const float h = 1e-2f;
        for (int i = 0; i < x.Count; i++)
        {
            float Loss(float delta)
            {
                var shifted = Tensor.From((float[])x.Data.Clone(), 3, 5);
                shifted.Data[i] += delta;
                return (layer.CallEager(shifted) * weights).Sum().Item();
            }

            float numeric = (Loss(h) - Loss(-h)) / (2 * h);
            Assert.True(Math.Abs(numeric - x.Grad!.Data[i]) <= 2e-3 + 2e-3 * Math.Abs(numeric), $"d/dx[{i}]: numeric {numeric}, generated {x.Grad!.Data[i]}");
        }
    }

    [Fact]
    public void In_a_Sequential_the_parent_is_told_the_width_and_tells_its_child()
    {
        Tensor.ManualSeed(24);
        var sharpened = new Sharpened();
        var model = new Sequential(new Linear(4, 6), sharpened, new Linear(6, 2));
        Assert.Equal(6, sharpened.InputRowLength);

        var x = Tensor.Randn(5, 4);
        var output = new float[5 * 2];
        var saved = new float[model.SavedLength(5)];
        model.ForwardSpan(5, x.Data, output, saved);
        var eager = model.CallEager(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), output, eager.Shape, "span forward");
    }
}

/// <summary>Scores through a weight, then a child softmax that declares nothing: the parent's sizes give its width (k).</summary>
[Layer]
public partial class SoftmaxHead(int n, int k)
{
    [Parameter] Tensor weight = Tensor.Randn(n, k);
    UndeclaredSoftmax softmax = new();

    Tensor Forward(Tensor x) => softmax.Call(x.MatMul(weight));
}

/// <summary>A softmax at temperature 0.5 through a child: neither fixes the features, so both read them at run time.</summary>
[Layer]
public partial class Sharpened
{
    UndeclaredSoftmax softmax = new();

    Tensor Forward(Tensor x) => softmax.Call(x * 2f);
}
