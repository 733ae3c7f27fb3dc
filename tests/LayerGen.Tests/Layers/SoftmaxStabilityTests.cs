using System;
using System.Linq;
using LayerGen.Tests.Layers.OpLayers;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Softmax and LogSoftmax through generated kernels on inputs of ±1000, where exp overflows (and
/// underflows) unless the row's maximum is subtracted first: outputs and gradients must stay finite
/// and match a double-precision reference that shifts the same way.
/// </summary>
public class SoftmaxStabilityTests
{
    // Rows of ±1000 with ties, small gaps near the top, and a row where every element is the same.
    private static readonly float[][] Rows =
    [
        [1000f, -1000f, 999f, 1000f, -1000f, 998.5f, 0f],
        [-1000f, -1000f, -999f, -1000f, -1000f, -1000f, -998f],
        [1000f, 1000f, 1000f, 1000f, 1000f, 1000f, 1000f],
        [-1000f, 1000f, -1000f, 1000f, -1000f, 1000f, -1000f],
    ];

    [Fact]
    public void Softmax_specialised_kernel() => Check(new SoftmaxLast(7), "SoftmaxLast[n=7]", log: false, width: 7);

    [Fact]
    public void Softmax_run_time_kernel() => Check(RunTimeSized(n => new SoftmaxLast(n), 23), "SoftmaxLast[run-time sizes]", log: false, width: 23);

    [Fact]
    public void Log_softmax_specialised_kernel() => Check(new LogSoftmaxLast(7), "LogSoftmaxLast[n=7]", log: true, width: 7);

    [Fact]
    public void Log_softmax_run_time_kernel() => Check(RunTimeSized(n => new LogSoftmaxLast(n), 23), "LogSoftmaxLast[run-time sizes]", log: true, width: 23);

    /// <summary>Built through a parameter, so no literal size makes this construction a specialised one.</summary>
    private static ILayer RunTimeSized(Func<int, ILayer> create, int n) => create(n);

    /// <summary>
    /// Checks y and dx = J^T dy for dy = 1 + row index + element index / 10 against
    /// softmax: s_i = e^{x_i − m} / Σ e^{x_j − m}, dx = s ⊙ (dy − Σ s·dy);
    /// log-softmax: l_i = x_i − m − log Σ e^{x_j − m}, dx = dy − s·Σ dy.
    /// The float kernel subtracts the max exactly (differences of ±1000-sized floats with spacing
    /// 6e-5 are exact here), so 1e-5 absolute + 1e-5 relative is float rounding with room to spare.
    /// </summary>
    private static void Check(ILayer layer, string expectedKernel, bool log, int width)
    {
        Assert.Equal(expectedKernel, layer.KernelName);
        // Each row cycled to the layer's width, so wider rows hold the same extremes.
        var data = Rows.SelectMany(row => Enumerable.Range(0, width).Select(i => row[i % row.Length])).ToArray();
        var x = Tensor.From(data, Rows.Length, width);
        x.RequiresGrad = true;
        var dyData = Enumerable.Range(0, data.Length).Select(i => 1f + i / width + (i % width) / 10f).ToArray();

        var y = layer.Call(x);
        y.Backward(Tensor.From(dyData, Rows.Length, width));

        for (int r = 0; r < Rows.Length; r++)
        {
            var row = data.AsSpan(r * width, width).ToArray().Select(v => (double)v).ToArray();
            var dy = dyData.AsSpan(r * width, width).ToArray().Select(v => (double)v).ToArray();
            double max = row.Max();
            double sum = row.Sum(v => Math.Exp(v - max));
            var s = row.Select(v => Math.Exp(v - max) / sum).ToArray();
            double sDotDy = s.Zip(dy, (a, b) => a * b).Sum();
            double dySum = dy.Sum();
            for (int i = 0; i < width; i++)
            {
                double expected = log ? row[i] - max - Math.Log(sum) : s[i];
                double expectedGrad = log ? dy[i] - (s[i] * dySum) : s[i] * (dy[i] - sDotDy);
                Near(expected, y.Data[r * width + i], $"{layer.KernelName} y[{r}, {i}]");
                Near(expectedGrad, x.Grad!.Data[r * width + i], $"{layer.KernelName} dx[{r}, {i}]");
            }
        }
    }

    private static void Near(double expected, float actual, string what) =>
        Assert.True(
            float.IsFinite(actual) && Math.Abs(expected - actual) <= 1e-5 + (1e-5 * Math.Abs(expected)),
            $"{what}: expected {expected:G9}, generated kernel {actual:G9}");
}
