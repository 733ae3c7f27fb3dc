using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.FeatureAxisSizes;

/// <summary>
/// <c>x.Size(-1)</c> (or <c>x.Size(1)</c>) on features nothing fixes: a run-time size of the run-time-bounded kernel
/// (<c>KernelName</c> asserted), so one instance serves inputs of any width. Against the same formula on the eager ops
/// with the width written as a number, the layer's own eager path, and finite differences through the generated kernels.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class RunTimeFeatureAxisTests
{
    [Fact]
    public void A_size_read_from_features_nothing_fixes_is_the_width_of_each_call()
    {
        Tensor.ManualSeed(171);
        var layer = new RootScaled();
        Assert.Equal("RootScaled[run-time sizes]", layer.KernelName);
        foreach (int width in new[] { 4, 9 })
        {
            var x = Tensor.Randn(3, width);
            Agrees(layer, x, x / MathF.Sqrt(width));
            FiniteDifferences.Check(layer, x);
        }
    }

    [Fact]
    public void A_row_mean_as_sum_over_size_reads_each_rows_width()
    {
        Tensor.ManualSeed(172);
        var layer = new RowAverage();
        Assert.Equal("RowAverage[run-time sizes]", layer.KernelName);
        foreach (int width in new[] { 5, 2 })
        {
            var x = Tensor.Randn(4, width);
            Agrees(layer, x, x.Mean(-1));
            FiniteDifferences.Check(layer, x);
        }
    }

    [Fact]
    public void A_positive_axis_on_two_run_time_sizes_reads_the_steps()
    {
        Tensor.ManualSeed(173);
        var layer = new StepAverage();
        Assert.Equal("StepAverage[run-time sizes]", layer.KernelName);
        var x = Tensor.Randn(2, 3, 4);
        Agrees(layer, x, Ops.Tanh(x.Mean(-2)));
        FiniteDifferences.Check(layer, x);
        var wider = Tensor.Randn(2, 5, 3);
        Agrees(layer, wider, Ops.Tanh(wider.Mean(-2)));
    }

    /// <summary>The generated kernels' output against <paramref name="expected"/> and the layer's eager path; their input gradients against the eager path's.</summary>
    private static void Agrees(ILayer layer, Tensor x, Tensor expected)
    {
        var input = x.Detach();
        input.RequiresGrad = true;
        var generated = layer.Call(input);
        TensorAssert.Close(new FixtureTensor(expected.Shape.ToArray(), expected.Data), generated.Data, generated.Shape, "output");
        var dy = Tensor.Randn(generated.Shape.ToArray());
        generated.Backward(dy);
        var eagerInput = x.Detach();
        eagerInput.RequiresGrad = true;
        var eager = layer.CallEager(eagerInput);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), generated.Data, generated.Shape, "output against the eager path");
        eager.Backward(dy);
        TensorAssert.Close(new FixtureTensor(eagerInput.Grad!.Shape.ToArray(), eagerInput.Grad.Data), input.Grad!.Data, input.Grad.Shape, "input gradient against the eager path");
    }
}
