using System;

namespace LayerGen;

/// <summary>
/// The eager reference for <c>MatMul</c> when the right-hand operand has rank 3 or more (PyTorch's batched
/// product): the last two axes of each operand are matrices (a 1-D operand is one row on the left, one column on
/// the right, its axis dropped from the result) and the axes before them are a batch, broadcast from the right
/// as PyTorch broadcasts (equal sizes, or 1 against anything).
/// </summary>
/// <remarks>
/// <c>[2, 3, 4] x [2, 4, 5]</c> is <c>[2, 3, 5]</c>; <c>[2, 1, 3, 4] x [5, 4, 6]</c> is <c>[2, 5, 3, 6]</c>;
/// <c>[4] x [2, 4, 5]</c> is <c>[2, 5]</c>. Sums accumulate in double, as <see cref="MatMulOps"/> does; the backward
/// adds each product's gradient into the slot of the operand it read, so a broadcast operand's gradient is the
/// sum over the products that shared it.
/// </remarks>
internal static class BatchedMatMulOps
{
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        int m = a.Rank == 1 ? 1 : a.Size(-2), k = a.Size(-1);
        int kb = b.Size(-2), n = b.Size(-1);
        if (kb != k)
        {
            throw new ArgumentException(
                $"Expected size for first two dimensions of batch2 tensor to be: [{k}] but got: [{kb}] " +
                $"(MatMul of shapes {Tensor.FormatShape(a.Shape)} and {Tensor.FormatShape(b.Shape)}).");
        }

        int[] aBatch = a.Rank > 2 ? a.Shape[..^2].ToArray() : [];
        int[] bBatch = b.Shape[..^2].ToArray();
        int[] batch = BroadcastBatch(aBatch, bBatch, a, b);
        int count = Tensor.CountOf(batch);
        var aOffset = new int[count];
        var bOffset = new int[count];
        for (int p = 0; p < count; p++)
        {
            aOffset[p] = Offset(p, batch, aBatch) * m * k;
            bOffset[p] = Offset(p, batch, bBatch) * k * n;
        }

        int[] shape = [.. batch, .. a.Rank == 1 ? Array.Empty<int>() : [m], n];
        var y = new float[count * m * n];
        float[] x = a.Data, w = b.Data;
        for (int p = 0; p < count; p++)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int q = 0; q < k; q++)
                    {
                        sum += (double)x[aOffset[p] + (i * k) + q] * w[bOffset[p] + (q * n) + j];
                    }

                    y[(p * m * n) + (i * n) + j] = (float)sum;
                }
            }
        }

        Tensor result = Tensor.Wrap(y, shape);
        if (GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad))
        {
            result.SetGradFn(new BatchedMatMulBackward(a, b, aOffset, bOffset, m, k, n));
        }

        return result;
    }

    /// <summary>The batch axes of both operands broadcast together, aligned from the right.</summary>
    private static int[] BroadcastBatch(int[] aBatch, int[] bBatch, Tensor a, Tensor b)
    {
        int rank = Math.Max(aBatch.Length, bBatch.Length);
        var batch = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - aBatch.Length) is int ai && ai >= 0 ? aBatch[ai] : 1;
            int db = i - (rank - bBatch.Length) is int bi && bi >= 0 ? bBatch[bi] : 1;
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException(
                    $"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i} " +
                    $"(MatMul of shapes {Tensor.FormatShape(a.Shape)} and {Tensor.FormatShape(b.Shape)}).");
            }

            batch[i] = Math.Max(da, db);
        }

        return batch;
    }

    /// <summary>Which matrix of an operand with batch axes <paramref name="own"/> product <paramref name="p"/> of <paramref name="batch"/> reads.</summary>
    private static int Offset(int p, int[] batch, int[] own)
    {
        int offset = 0, stride = 1;
        for (int d = batch.Length - 1, o = own.Length - 1; d >= 0; d--, o--)
        {
            int index = p % batch[d];
            p /= batch[d];
            if (o >= 0)
            {
                offset += (own[o] == 1 ? 0 : index) * stride;
                stride *= own[o];
            }
        }

        return offset;
    }

    /// <summary>Y_p = A_p B_p for every product p: dA_p += dY_p B_pᵀ, dB_p += A_pᵀ dY_p.</summary>
    private sealed class BatchedMatMulBackward(Tensor a, Tensor b, int[] aOffset, int[] bOffset, int m, int k, int n)
        : GradFn("BmmBackward0", a, b)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            float[] x = a.Data, w = b.Data;
            for (int p = 0; p < aOffset.Length; p++)
            {
                var dy = outputGrad.Slice(p * m * n, m * n);
                if (inputGrads[0] is { } gradA)
                {
                    for (int i = 0; i < m; i++)
                    {
                        for (int q = 0; q < k; q++)
                        {
                            double sum = 0;
                            for (int j = 0; j < n; j++)
                            {
                                sum += (double)dy[(i * n) + j] * w[bOffset[p] + (q * n) + j];
                            }

                            gradA[aOffset[p] + (i * k) + q] += (float)sum;
                        }
                    }
                }

                if (inputGrads[1] is { } gradB)
                {
                    for (int q = 0; q < k; q++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            double sum = 0;
                            for (int i = 0; i < m; i++)
                            {
                                sum += (double)x[aOffset[p] + (i * k) + q] * dy[(i * n) + j];
                            }

                            gradB[bOffset[p] + (q * n) + j] += (float)sum;
                        }
                    }
                }
            }
        }
    }
}
