using System;

namespace LayerGen;

/// <summary>
/// The eager reference for <c>MatMul</c> with PyTorch's rank rules for a right-hand operand of rank
/// 1 or 2 (rank 3 or more: <see cref="BatchedMatMulOps"/>): every case is viewed as one [m, k] x [k, n] product, with a 1-D operand standing for a
/// single row (left) or column (right) whose dimension is dropped from the result.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>[.., m, k] x [k, n]</term><description>[.., m, n]; leading dims of a flattened into m (PyTorch's N-D x 2-D)</description></item>
/// <item><term>[.., m, k] x [k]</term><description>[.., m]</description></item>
/// <item><term>[k] x [k, n]</term><description>[n]</description></item>
/// <item><term>[k] x [k]</term><description>[] (a dot product)</description></item>
/// </list>
/// Sums accumulate in double: the reference should be the most accurate result around.
/// </remarks>
internal static class MatMulOps
{
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
        {
            throw new ArgumentException("both arguments to matmul need to be at least 1D, but they are " +
                $"{a.Rank}D and {b.Rank}D");
        }

        if (b.Rank > 2)
        {
            return BatchedMatMulOps.MatMul(a, b); // a batch of products, broadcast over the leading axes
        }

        int k = a.Size(-1);
        int n = b.Rank == 2 ? b.Size(1) : 1;
        int m = a.Rank == 1 ? 1 : Tensor.CountOf(a.Shape[..^1]);
        if (b.Size(0) != k)
        {
            string left = a.Rank == 1 ? $"1x{k}" : $"{m}x{k}";
            string right = b.Rank == 1 ? $"{b.Size(0)}x1" : $"{b.Size(0)}x{n}";
            throw new ArgumentException($"mat1 and mat2 shapes cannot be multiplied ({left} and {right})");
        }

        // Result shape: a's leading dims (none for a vector), then n unless b is a vector.
        int[] shape = [.. a.Shape[..^1], .. b.Rank == 2 ? new[] { n } : []];
        var y = new float[m * n];
        float[] x = a.Data, w = b.Data;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += (double)x[i * k + p] * w[p * n + j];
                }

                y[i * n + j] = (float)sum;
            }
        }

        Tensor result = Tensor.Wrap(y, shape);
        if (GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad))
        {
            result.SetGradFn(new MatMulBackward(NodeName(a.Rank, b.Rank), a, b, m, k, n));
        }

        return result;
    }

    // PyTorch's node names for the same cases (its N-D x 2-D case ends in a view node; we keep Mm).
    private static string NodeName(int rankA, int rankB) => (rankA, rankB) switch
    {
        (1, 1) => "DotBackward0",
        (1, _) => "SqueezeBackward4",
        (_, 1) => "MvBackward0",
        _ => "MmBackward0",
    };

    /// <summary>Y = A B with A [m, k], B [k, n]: dA += dY B^T, dB += A^T dY.</summary>
    private sealed class MatMulBackward(string name, Tensor a, Tensor b, int m, int k, int n) : GradFn(name, a, b)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            float[] x = a.Data, w = b.Data;
            if (inputGrads[0] is { } gradA)
            {
                for (int i = 0; i < m; i++)
                {
                    for (int p = 0; p < k; p++)
                    {
                        double sum = 0;
                        for (int j = 0; j < n; j++)
                        {
                            sum += (double)outputGrad[i * n + j] * w[p * n + j];
                        }

                        gradA[i * k + p] += (float)sum;
                    }
                }
            }

            if (inputGrads[1] is { } gradB)
            {
                for (int p = 0; p < k; p++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        double sum = 0;
                        for (int i = 0; i < m; i++)
                        {
                            sum += (double)x[i * k + p] * outputGrad[i * n + j];
                        }

                        gradB[p * n + j] += (float)sum;
                    }
                }
            }
        }
    }
}
