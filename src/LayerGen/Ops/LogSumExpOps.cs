using System;

// log Σ e^x along an axis, as torch.logsumexp: the eager op. The generated kernels build it from primitives (the max
// along the axis, exp, a sum, log; generator/LayerGen.Generator/Building/GraphBuilder.Elementwise.cs), so it has no
// KernelMath form of its own.
namespace LayerGen
{
    public static partial class Ops
    {
        /// <summary>
        /// log Σ e^x along <paramref name="axis"/> (negative counts from the end), dropping it unless
        /// <paramref name="keepDim"/>, as <c>torch.logsumexp</c>: stable for large |x| (the max is subtracted first), −∞
        /// for a row of −∞, +∞ for a row holding +∞, NaN for a row holding NaN. Its gradient is the softmax along the
        /// axis, e^(x − y).
        /// </summary>
        public static Tensor LogSumExp(Tensor x, int axis, bool keepDim = false) => LogSumExpOps.LogSumExp(x, axis, keepDim);
    }

    public sealed partial class Tensor
    {
        /// <summary>See <see cref="Ops.LogSumExp"/>.</summary>
        public Tensor LogSumExp(int axis, bool keepDim = false) => Ops.LogSumExp(this, axis, keepDim);
    }

    /// <summary>In double, rounded once; the input seen as [outer, n, inner] around the axis, as the reductions are.</summary>
    internal static class LogSumExpOps
    {
        public static Tensor LogSumExp(Tensor x, int axis, bool keepDim)
        {
            ArgumentNullException.ThrowIfNull(x);
            (int outer, int n, int inner) = SoftmaxOps.AxisView(x, axis);
            var y = new float[outer * inner];
            for (int o = 0; o < outer; o++)
            {
                for (int i = 0; i < inner; i++)
                {
                    int start = o * n * inner + i;
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < n; j++)
                    {
                        double v = x.Data[start + j * inner];
                        if (v > max || double.IsNaN(v))
                        {
                            max = v;
                        }
                    }

                    // As torch: an infinite max is not subtracted (−∞ − −∞ would be NaN); the sum then says ±∞ itself.
                    double shift = double.IsInfinity(max) ? 0 : max;
                    double sum = 0;
                    for (int j = 0; j < n; j++)
                    {
                        sum += Math.Exp(x.Data[start + j * inner] - shift);
                    }

                    y[o * inner + i] = (float)(Math.Log(sum) + shift);
                }
            }

            int d = Tensor.NormalizeDim(axis, x.Rank);
            ReadOnlySpan<int> shape = x.Shape;
            int[] resultShape = keepDim ? [.. shape[..d], 1, .. shape[(d + 1)..]] : [.. shape[..d], .. shape[(d + 1)..]];
            Tensor result = Tensor.Wrap(y, resultShape);
            if (GradMode.IsEnabled && x.RequiresGrad)
            {
                result.SetGradFn(new LogSumExpBackward(x, y, outer, n, inner));
            }

            return result;
        }

        /// <summary>dx = dy·e^(x − y), torch's logsumexp_backward.</summary>
        private sealed class LogSumExpBackward(Tensor x, float[] y, int outer, int n, int inner) : GradFn("LogsumexpBackward0", x)
        {
            public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
            {
                if (inputGrads[0] is not { } grad)
                {
                    return;
                }

                for (int o = 0; o < outer; o++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        for (int i = 0; i < inner; i++)
                        {
                            int at = (o * n + j) * inner + i;
                            grad[at] += (float)(outputGrad[o * inner + i] * Math.Exp((double)x.Data[at] - y[o * inner + i]));
                        }
                    }
                }
            }
        }
    }
}
