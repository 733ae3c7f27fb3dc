using System;

namespace LayerGen;

/// <summary>
/// The eager reference for <c>Sum</c> and <c>Mean</c>, over everything or over one axis, and for
/// <c>Max</c> and <c>Min</c> along one axis.
/// </summary>
/// <remarks>
/// An axis reduction views the input as [outer, n, inner] (n = the reduced axis), so one loop nest
/// serves every rank and axis. A mean is a sum scaled by 1/n, forward and backward.
/// Sums accumulate in double: the reference should be the most accurate result around.
/// </remarks>
internal static class ReductionOps
{
    public static Tensor Sum(Tensor x) => ReduceAll(x, mean: false);

    public static Tensor Mean(Tensor x) => ReduceAll(x, mean: true);

    public static Tensor Sum(Tensor x, int axis, bool keepDim) => ReduceAxis(x, axis, keepDim, mean: false);

    public static Tensor Mean(Tensor x, int axis, bool keepDim) => ReduceAxis(x, axis, keepDim, mean: true);

    public static Tensor Max(Tensor x, int axis, bool keepDim) => Extreme(x, axis, keepDim, max: true);

    public static Tensor Min(Tensor x, int axis, bool keepDim) => Extreme(x, axis, keepDim, max: false);

    private static Tensor ReduceAll(Tensor x, bool mean)
    {
        ArgumentNullException.ThrowIfNull(x);
        double sum = 0;
        foreach (float v in x.Data)
        {
            sum += v;
        }

        // Mean of nothing is NaN (0/0), as in PyTorch.
        float scale = mean ? 1f / x.Count : 1f;
        Tensor result = Tensor.Wrap([(float)(mean ? sum / x.Count : sum)], []);
        if (GradMode.IsEnabled && x.RequiresGrad)
        {
            result.SetGradFn(new ReduceBackward(mean ? "MeanBackward0" : "SumBackward0", x, 1, x.Count, 1, scale));
        }

        return result;
    }

    private static Tensor ReduceAxis(Tensor x, int axis, bool keepDim, bool mean)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = Tensor.NormalizeDim(axis, x.Rank);
        ReadOnlySpan<int> shape = x.Shape;
        int outer = Tensor.CountOf(shape[..d]), n = shape[d], inner = Tensor.CountOf(shape[(d + 1)..]);

        var y = new float[outer * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double sum = 0;
                for (int j = 0; j < n; j++)
                {
                    sum += x.Data[(o * n + j) * inner + i];
                }

                y[o * inner + i] = (float)(mean ? sum / n : sum);
            }
        }

        int[] resultShape = keepDim ? [.. shape[..d], 1, .. shape[(d + 1)..]] : [.. shape[..d], .. shape[(d + 1)..]];
        Tensor result = Tensor.Wrap(y, resultShape);
        if (GradMode.IsEnabled && x.RequiresGrad)
        {
            result.SetGradFn(new ReduceBackward(mean ? "MeanBackward1" : "SumBackward1", x, outer, n, inner, mean ? 1f / n : 1f));
        }

        return result;
    }

    /// <summary>
    /// y[o, i] = max_j (or min_j) x[o, j, i]. The whole gradient goes to one element per row, the
    /// arg-max: the first one on ties, and the first NaN if there is one (NaN wins, as torch.max).
    /// </summary>
    private static Tensor Extreme(Tensor x, int axis, bool keepDim, bool max)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = Tensor.NormalizeDim(axis, x.Rank);
        ReadOnlySpan<int> shape = x.Shape;
        int outer = Tensor.CountOf(shape[..d]), n = shape[d], inner = Tensor.CountOf(shape[(d + 1)..]);
        if (n == 0 && outer * inner > 0)
        {
            throw new ArgumentException(
                $"{(max ? "max" : "min")}(): Expected reduction dim {d} to have non-zero size.", nameof(axis));
        }

        var y = new float[outer * inner];
        var argIndex = new int[outer * inner]; // flat index into x of the element each output took
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int best = o * n * inner + i;
                for (int j = 1; j < n; j++)
                {
                    int at = (o * n + j) * inner + i;
                    float v = x.Data[at], b = x.Data[best];
                    bool better = max ? v > b : v < b; // strict: the first of equal values stays
                    if (better || (float.IsNaN(v) && !float.IsNaN(b)))
                    {
                        best = at;
                    }
                }

                y[o * inner + i] = x.Data[best];
                argIndex[o * inner + i] = best;
            }
        }

        int[] resultShape = keepDim ? [.. shape[..d], 1, .. shape[(d + 1)..]] : [.. shape[..d], .. shape[(d + 1)..]];
        Tensor result = Tensor.Wrap(y, resultShape);
        if (GradMode.IsEnabled && x.RequiresGrad)
        {
            result.SetGradFn(new ScatterBackward(max ? "MaxBackward0" : "MinBackward0", x, argIndex));
        }

        return result;
    }

    /// <summary>Output element k copied x[index[k]]: its gradient goes back there and nowhere else.</summary>
    private sealed class ScatterBackward(string name, Tensor x, int[] index) : GradFn(name, x)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is not { } grad)
            {
                return;
            }

            for (int k = 0; k < index.Length; k++)
            {
                grad[index[k]] += outputGrad[k];
            }
        }
    }

    /// <summary>y[o, i] = scale * sum_j x[o, j, i]: every x[o, j, i] gets scale * dy[o, i].</summary>
    private sealed class ReduceBackward(string name, Tensor x, int outer, int n, int inner, float scale) : GradFn(name, x)
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
                        grad[(o * n + j) * inner + i] += scale * outputGrad[o * inner + i];
                    }
                }
            }
        }
    }
}
