using System;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// A warmed-up forward + backward through the span API allocates nothing: the generated kernels work
/// only in caller-owned buffers, and Sequential reuses its grow-only scratch.
/// </summary>
/// <remarks>
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> counts only this thread's allocations, so tests
/// running in parallel cannot disturb it. The warm-up lets the first backward create the parameters'
/// gradient buffers and Sequential its scratch, and gives the JIT a chance to tier up.
/// </remarks>
public sealed class SpanAllocationTests
{
    private const int Rows = 2;
    private const int Iterations = 1000;

    private static int RunTime(int size) => size;

    [Fact]
    public void MyLinear_64_8_forward_and_backward_over_spans_allocate_nothing()
    {
        var layer = new MyLinear(64, 8);
        Assert.Equal("MyLinear[inUnits=64, units=8]", layer.KernelName);
        Assert.Equal(0, AllocatedBytesPerSteps(layer));
    }

    [Fact]
    public void MyLinear_with_run_time_sizes_allocates_nothing_either()
    {
        var layer = new MyLinear(RunTime(64), RunTime(9)); // no constant construction of (64, 9)
        Assert.Equal("MyLinear[run-time sizes]", layer.KernelName);
        Assert.Equal(0, AllocatedBytesPerSteps(layer));
    }

    [Fact]
    public void Sequential_of_the_chapters_two_MyLinear_layers_allocates_nothing()
    {
        var net = new Sequential(new MyLinear(64, 8), new MyLinear(8, 1));
        Assert.Equal("MyLinear[inUnits=64, units=8]", net[0].KernelName);
        Assert.Equal("MyLinear[inUnits=8, units=1]", net[1].KernelName);
        Assert.Equal(0, AllocatedBytesPerSteps(net));
    }

    [Fact]
    public void A_composite_layer_with_locals_and_reductions_allocates_nothing()
    {
        var layer = new CompExpNormalize(33);
        Assert.Equal("CompExpNormalize[n=33]", layer.KernelName);
        Assert.Equal(0, AllocatedBytesPerSteps(layer));
    }

    [Fact]
    public void ZeroGrad_between_steps_allocates_nothing()
    {
        // A training step zeroes the gradients too (DESIGN.md §5: a warmed-up training step allocates nothing).
        var net = new Sequential(new MyLinear(64, 8), new MyLinear(8, 1));
        Assert.Equal(0, AllocatedBytesPerSteps(net, zeroGrad: true));
    }

    /// <summary>Bytes this thread allocated over <see cref="Iterations"/> warm forward + backward steps.</summary>
    private static long AllocatedBytesPerSteps(ILayer layer, bool zeroGrad = false)
    {
        var random = new Random(42);
        var input = new float[Rows * layer.InputRowLength];
        var output = new float[Rows * layer.OutputRowLength];
        var outputGrad = new float[output.Length];
        var inputGrad = new float[input.Length];
        var saved = new float[layer.SavedLength(Rows)];
        new Spec(-1, 1).Fill(random, input);
        new Spec(-1, 1).Fill(random, outputGrad);

        long allocated = Allocations.AfterWarmUp(() => Step(layer, input, output, outputGrad, inputGrad, saved, zeroGrad), Iterations);

        // The steps really ran: the output is finite and the gradient reached the input.
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
        return allocated;
    }

    private static void Step(ILayer layer, float[] input, float[] output, float[] outputGrad, float[] inputGrad, float[] saved, bool zeroGrad)
    {
        if (zeroGrad)
        {
            layer.ZeroGrad();
            Array.Clear(inputGrad);
        }

        layer.ForwardSpan(Rows, input, output, saved);
        layer.BackwardSpan(Rows, input, output, outputGrad, inputGrad, saved);
    }
}
