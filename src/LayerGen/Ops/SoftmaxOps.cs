using System;

namespace LayerGen;

/// <summary>
/// The eager reference for <c>Softmax</c> and <c>LogSoftmax</c> along one axis.
/// </summary>
/// <remarks>
/// Like the axis reductions, the input is viewed as [outer, n, inner] (n = the axis), so one loop nest
/// serves every rank and axis. Both subtract the row's maximum before exponentiating, which is exact
/// algebraically and keeps e^(x - max) in (0, 1]: inputs of ±1000 give finite results. Everything is
/// computed in double and rounded once to float.
/// <code>
/// softmax:     y_j = e^(x_j - m) / s,          s = sum_j e^(x_j - m),  m = max_j x_j
///              dx_j = y_j (dy_j - sum_l dy_l y_l)
/// log_softmax: y_j = x_j - m - log s
///              dx_j = dy_j - e^(y_j) sum_l dy_l
/// </code>
/// Backward reads the saved (float) output, as PyTorch's does.
/// </remarks>
internal static class SoftmaxOps
{
    public static Tensor Softmax(Tensor x, int axis) => Apply(x, axis, log: false);

    public static Tensor LogSoftmax(Tensor x, int axis) => Apply(x, axis, log: true);

    private static Tensor Apply(Tensor x, int axis, bool log)
    {
        ArgumentNullException.ThrowIfNull(x);
        (int outer, int n, int inner) = AxisView(x, axis);
        float[] input = x.Data;
        var y = new float[input.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int start = o * n * inner + i; // element j of this row is at start + j * inner
                double max = double.NegativeInfinity;
                for (int j = 0; j < n; j++)
                {
                    double v = input[start + j * inner];
                    if (v > max || double.IsNaN(v))
                    {
                        max = v;
                    }
                }

                double sum = 0;
                for (int j = 0; j < n; j++)
                {
                    sum += Math.Exp(input[start + j * inner] - max);
                }

                double logSum = Math.Log(sum);
                for (int j = 0; j < n; j++)
                {
                    double shifted = input[start + j * inner] - max;
                    y[start + j * inner] = (float)(log ? shifted - logSum : Math.Exp(shifted) / sum);
                }
            }
        }

        Tensor result = Tensor.Wrap(y, (int[])x.ShapeArray.Clone());
        if (GradMode.IsEnabled && x.RequiresGrad)
        {
            result.SetGradFn(new SoftmaxBackward(log, x, y, outer, n, inner));
        }

        return result;
    }

    /// <summary>[outer, n, inner] around <paramref name="axis"/> (negative counts from the end).</summary>
    internal static (int Outer, int N, int Inner) AxisView(Tensor x, int axis)
    {
        int d = Tensor.NormalizeDim(axis, x.Rank);
        ReadOnlySpan<int> shape = x.Shape;
        return (Tensor.CountOf(shape[..d]), shape[d], Tensor.CountOf(shape[(d + 1)..]));
    }

    private sealed class SoftmaxBackward(bool log, Tensor x, float[] y, int outer, int n, int inner)
        : GradFn(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", x)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is not { } grad)
            {
                return;
            }

            for (int o = 0; o < outer; o++)
            {
                for (int i = 0; i < inner; i++)
                {
                    int start = o * n * inner + i;
                    double dot = 0; // softmax: sum_l dy_l y_l; log_softmax: sum_l dy_l
                    for (int j = 0; j < n; j++)
                    {
                        int at = start + j * inner;
                        dot += log ? outputGrad[at] : (double)outputGrad[at] * y[at];
                    }

                    for (int j = 0; j < n; j++)
                    {
                        int at = start + j * inner;
                        grad[at] += (float)(log
                            ? outputGrad[at] - Math.Exp(y[at]) * dot
                            : y[at] * (outputGrad[at] - dot));
                    }
                }
            }
        }
    }
}
