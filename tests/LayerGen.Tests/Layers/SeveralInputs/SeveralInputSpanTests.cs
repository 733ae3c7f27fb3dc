using System;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Layers.SeveralInputs;

/// <summary>
/// The span API of layers with several inputs and outputs: one span per input, per output and per gradient. A warm
/// forward + backward allocates nothing (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, this thread only, after a
/// warm-up that creates the parameters' gradients), and the spans compute what <c>Call</c> does.
/// </summary>
public sealed class SeveralInputSpanTests
{
    private const int Rows = 3;

    [Fact]
    public void A_warm_GRU_cell_forward_and_backward_over_spans_allocate_nothing_and_match_Call()
    {
        var cell = new GruCell(5, 3);
        Assert.Equal("GruCell[numInputs=5, numHiddens=3]", cell.KernelName);
        var random = new Random(1);
        float[] x = Fill(random, Rows * cell.InputRowLength(0)), h = Fill(random, Rows * cell.InputRowLength(1));
        float[] output = new float[Rows * cell.OutputRowLength], outputGrad = Fill(random, output.Length);
        float[] xGrad = new float[x.Length], hGrad = new float[h.Length], saved = new float[cell.SavedLength(Rows)];

        void Step()
        {
            cell.ForwardSpan(Rows, x, h, output, saved);
            cell.BackwardSpan(Rows, x, h, output, outputGrad, xGrad, hGrad, saved);
        }

        Assert.Equal(0, Allocations.AfterWarmUp(Step, calls: 1000));

        // The spans compute what Call does, and BackwardSpan gives what Call's backward gives.
        Array.Clear(xGrad);
        Array.Clear(hGrad);
        cell.ForwardSpan(Rows, x, h, output, saved);
        cell.BackwardSpan(Rows, x, h, output, outputGrad, xGrad, hGrad, saved);
        var xt = Tensor.From(x, Rows, 5);
        var ht = Tensor.From(h, Rows, 3);
        xt.RequiresGrad = true;
        ht.RequiresGrad = true;
        var y = cell.Call(xt, ht);
        y.Backward(Tensor.From(outputGrad, Rows, 3));
        Assert.Equal(y.ToArray(), output);
        Assert.Equal(xt.Grad!.ToArray(), xGrad);
        Assert.Equal(ht.Grad!.ToArray(), hGrad);
    }

    [Fact]
    public void A_warm_RNN_step_with_two_outputs_over_spans_allocates_nothing_and_an_empty_gradient_span_is_skipped()
    {
        var step = new RnnStep(5, 4, 3);
        var random = new Random(2);
        float[] x = Fill(random, Rows * step.InputRowLength(0)), state = Fill(random, Rows * step.InputRowLength(1));
        float[] output = new float[Rows * step.OutputRowLength(0)], newState = new float[Rows * step.OutputRowLength(1)];
        float[] outputGrad = Fill(random, output.Length), newStateGrad = Fill(random, newState.Length);
        float[] stateGrad = new float[state.Length], saved = new float[step.SavedLength(Rows)];

        void Step()
        {
            step.ForwardSpan(Rows, x, state, output, newState, saved);
            step.BackwardSpan(Rows, x, state, output, newState, outputGrad, newStateGrad, Span<float>.Empty, stateGrad, saved);
        }

        Assert.Equal(0, Allocations.AfterWarmUp(Step, calls: 1000));

        var (y, h) = step.Call(Tensor.From(x, Rows, 5), Tensor.From(state, Rows, 4));
        Assert.Equal(y.ToArray(), output);
        Assert.Equal(h.ToArray(), newState);
    }

    [Fact]
    public void Span_lengths_are_checked_naming_the_span()
    {
        var cell = new GruCell(5, 3);
        var error = Assert.Throws<ArgumentException>(() => cell.ForwardSpan(2, new float[10], new float[5], new float[6], new float[cell.SavedLength(2)]));
        Assert.Equal("GruCell: 'h' has 5 elements but 6 were expected. (Parameter 'h')", error.Message);
    }

    private static float[] Fill(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (random.NextSingle() * 2) - 1;
        }

        return values;
    }
}
