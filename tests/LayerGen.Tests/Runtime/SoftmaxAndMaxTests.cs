using System;
using System.Linq;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>Softmax and LogSoftmax (stability at ±1000, axes), and Max/Min along an axis (arg-max conventions).</summary>
public sealed class SoftmaxAndMaxTests
{
    [Fact]
    public void Softmax_and_log_softmax_are_stable_at_plus_minus_1000()
    {
        // exp(1000) overflows even a double, so a naive exp / sum gives inf / inf = NaN.
        float[] values = [1000f, -1000f, 999f, 0f, -999f];
        Tensor x = Tensor.From(values);
        x.RequiresGrad = true;

        // Reference by hand, shifting by the maximum in double.
        double[] shifted = values.Select(v => v - 1000.0).ToArray();
        double logSum = Math.Log(shifted.Sum(Math.Exp));
        float[] expectedLog = shifted.Select(s => (float)(s - logSum)).ToArray();
        float[] expectedSoftmax = shifted.Select(s => (float)Math.Exp(s - logSum)).ToArray();

        Tensor softmax = x.Softmax(-1);
        Tensor logSoftmax = Ops.LogSoftmax(x, 0);
        Assert.All(softmax.Data, v => Assert.True(float.IsFinite(v)));
        Assert.All(logSoftmax.Data, v => Assert.True(float.IsFinite(v)));
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(expectedSoftmax[i], softmax.Data[i], 1e-7f);
            Assert.Equal(expectedLog[i], logSoftmax.Data[i], 1e-4f);
        }

        Assert.Equal(-2000.31326f, logSoftmax.Data[1], 1e-3f);     // -2000 - log(1 + e^-1 + ...)
        Assert.Equal(0f, softmax.Data[1]);                  // e^-2000 underflows to an honest 0

        (logSoftmax * Tensor.From(1f, 2f, 3f, 4f, 5f)).Sum().Backward();
        Assert.All(x.Grad!.Data, v => Assert.True(float.IsFinite(v)));
        x.Grad = null;
        (softmax * Tensor.From(1f, 2f, 3f, 4f, 5f)).Sum().Backward();
        Assert.All(x.Grad!.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Softmax_is_invariant_to_a_large_shift_and_sums_to_one()
    {
        var random = new Random(5);
        Tensor x = EagerGradCheck.Uniform(random, [3, 4]);
        Tensor shifted = x + 1000f; // exact-ish: float spacing at 1000 is 6e-5
        Tensor a = x.Softmax(1), b = shifted.Softmax(1);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a.Data[i], b.Data[i], 1e-3f);
        }

        Tensor rows = a.Sum(1);
        Assert.All(rows.Data, v => Assert.Equal(1f, v, 1e-6f));

        Tensor columns = x.Softmax(0).Sum(0);
        Assert.All(columns.Data, v => Assert.Equal(1f, v, 1e-6f));
        Assert.Equal("SoftmaxBackward0", Ops.Softmax(Tensor.Ones(2).AsParameter(), 0).GradFn!.Name);
        Assert.Equal("LogSoftmaxBackward0", Tensor.Ones(2).AsParameter().LogSoftmax(0).GradFn!.Name);
    }

    [Fact]
    public void Max_and_min_along_an_axis_with_and_without_keepdim()
    {
        Tensor x = Tensor.From([3, 1, 4, 1, 5, 9, 2, 6], 2, 4);
        Assert.Equal([4f, 9f], x.Max(1).Data);
        Assert.Equal([2], x.Max(1).Shape.ToArray());
        Assert.Equal([2, 1], x.Max(-1, keepDim: true).Shape.ToArray());
        Assert.Equal([1f, 2f], x.Min(-1).Data);
        Assert.Equal([3f, 1f, 2f, 1f], x.Min(0).Data);
        Assert.Equal([1, 4], x.Min(0, keepDim: true).Shape.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Max(2));
    }

    [Fact]
    public void Max_sends_the_gradient_to_the_first_arg_max_on_ties()
    {
        Tensor x = Tensor.From([2, 7, 7, 1, 1, 0], 2, 3);
        x.RequiresGrad = true;
        Tensor max = x.Max(1);
        Assert.Equal("MaxBackward0", max.GradFn!.Name);
        max.Backward(Tensor.From(10f, 20f));
        Assert.Equal([0f, 10f, 0f, 20f, 0f, 0f], x.Grad!.Data);

        x.Grad = null;
        x.Min(1).Backward(Tensor.From(10f, 20f));
        Assert.Equal([10f, 0f, 0f, 0f, 0f, 20f], x.Grad!.Data);
    }

    [Fact]
    public void Max_propagates_nan_and_rejects_an_empty_axis()
    {
        Tensor x = Tensor.From(1f, float.NaN, 3f);
        Assert.True(float.IsNaN(x.Max(0).Item()));
        Assert.True(float.IsNaN(x.Min(0).Item()));
        var error = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).Max(1));
        Assert.Contains("non-zero size", error.Message);
    }
}
