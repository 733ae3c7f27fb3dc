using System;
using LayerGen.Kernels;

namespace LayerGen;

/// <summary>
/// The eager reference for integer indexing: <c>weight[ids]</c>, <c>Ops.Embedding(ids, weight)</c>,
/// <c>IndexSelect(dim, ids)</c> and <c>Gather(dim, index)</c>, each with PyTorch's shapes and rule for negative
/// indices, and a gradient that scatter-adds into the indexed tensor (a repeated id accumulates).
/// </summary>
/// <remarks>
/// The copies and scatter-adds run on the span kernels generated code calls (<see cref="IndexKernels"/>),
/// so both paths check indices the same way and fail with the same message.
/// </remarks>
internal static class IndexOps
{
    /// <summary>
    /// <c>source[indices]</c>, PyTorch's advanced indexing by an int64 tensor: rows of dimension 0, result
    /// shape indices.Shape ++ source.Shape[1..]; -1 is the last row.
    /// </summary>
    public static Tensor Index(Tensor source, Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        RequireIds("index", indices);
        RequireDimensions("index", source);
        return SelectRows("index", source, 0, indices, [.. indices.Shape, .. source.Shape[1..]], negativeWraps: true, "IndexBackward0");
    }

    /// <summary>
    /// <c>F.embedding(ids, weight)</c>: weight [num_embeddings, embedding_dim], result ids.Shape ++ [embedding_dim];
    /// every id must be in [0, num_embeddings), negative ones too are refused, as PyTorch refuses them.
    /// </summary>
    public static Tensor Embedding(Tensor ids, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        RequireIds("Embedding", ids);
        if (weight.Rank != 2)
        {
            throw new ArgumentException(
                $"Embedding: 'weight' must be 2-D [num_embeddings, embedding_dim], but has shape {Tensor.FormatShape(weight.Shape)}.", nameof(weight));
        }

        return SelectRows("Embedding", weight, 0, ids, [.. ids.Shape, weight.Size(1)], negativeWraps: false, "EmbeddingBackward0");
    }

    /// <summary>
    /// <c>source.index_select(dim, ids)</c>: ids is 1-D (or a 0-d single id); the result is source with dimension
    /// <paramref name="dim"/> replaced by the selected entries, in the order of ids. Negative ids are refused.
    /// </summary>
    public static Tensor IndexSelect(Tensor source, int dim, Tensor ids)
    {
        ArgumentNullException.ThrowIfNull(source);
        RequireIds("IndexSelect", ids);
        if (ids.Rank > 1)
        {
            throw new ArgumentException(
                $"IndexSelect: the ids must be a vector (1-D), but have shape {Tensor.FormatShape(ids.Shape)}; use weight[ids] or Ops.Embedding for ids of any shape.",
                nameof(ids));
        }

        RequireDimensions("IndexSelect", source);
        int d = Tensor.NormalizeDim(dim, source.Rank);
        int[] shape = source.Shape.ToArray();
        shape[d] = ids.Count;
        return SelectRows("IndexSelect", source, d, ids, shape, negativeWraps: false, "IndexSelectBackward0");
    }

    /// <summary>
    /// <c>torch.gather(source, dim, index)</c>: index has source's rank and, except along <paramref name="dim"/>, sizes
    /// no larger than source's; result[i…] = source[i… with index[i…] along dim]. Negative indices are refused.
    /// </summary>
    public static Tensor Gather(Tensor source, int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(source);
        RequireIds("Gather", index);
        if (index.Rank != source.Rank)
        {
            throw new ArgumentException(
                $"Gather: the index must have the same number of dimensions as the input ({source.Rank}), but has shape {Tensor.FormatShape(index.Shape)}.",
                nameof(index));
        }

        RequireDimensions("Gather", source);
        int rank = source.Rank;
        int d = Tensor.NormalizeDim(dim, rank);
        int[] sourceShape = source.ShapeArray, indexShape = index.ShapeArray;
        bool sameElsewhere = true;
        for (int k = 0; k < rank; k++)
        {
            if (k != d && indexShape[k] > sourceShape[k])
            {
                throw new ArgumentException(
                    $"Gather: size does not match at dimension {k}: expected index {Tensor.FormatShape(index.Shape)} to be no larger than the input {Tensor.FormatShape(source.Shape)} apart from dimension {d}.",
                    nameof(index));
            }

            sameElsewhere &= k == d || indexShape[k] == sourceShape[k];
        }

        // Sub-blocks of the input (an index smaller than it elsewhere) are mapped to flat offsets first; the usual
        // case, an index shaped like the input but along dim, runs straight on the kernel.
        int[]? map = sameElsewhere ? null : SubBlockMap(sourceShape, indexShape, d);
        int outer = Tensor.CountOf(sourceShape.AsSpan(0, d)), n = sourceShape[d], inner = Tensor.CountOf(sourceShape.AsSpan(d + 1));
        var y = new float[index.Count];
        if (map is null)
        {
            IndexKernels.GatherAlongAxis("Gather", source.Data, outer, n, inner, index.LongData, y);
        }
        else
        {
            for (int p = 0; p < y.Length; p++)
            {
                y[p] = source.Data[map[p] + (Resolve("Gather", index.LongData[p], p, n) * inner)];
            }
        }

        Tensor result = Tensor.Wrap(y, index.Shape.ToArray());
        if (GradMode.IsEnabled && source.RequiresGrad)
        {
            result.SetGradFn(new GatherBackward(source, index, map, outer, n, inner));
        }

        return result;
    }

    /// <summary>Entries of dimension d of source, picked by ids: for each block of the dimensions before d, one row gather of the kernel.</summary>
    private static Tensor SelectRows(string owner, Tensor source, int d, Tensor ids, int[] outShape, bool negativeWraps, string gradName)
    {
        int[] shape = source.ShapeArray;
        int outer = Tensor.CountOf(shape.AsSpan(0, d)), n = shape[d], inner = Tensor.CountOf(shape.AsSpan(d + 1));
        int k = ids.Count;
        float[] x = source.Data;
        var y = new float[Tensor.CountOf(outShape)]; // = outer * k * inner, checked against int overflow
        for (int o = 0; o < outer; o++)
        {
            IndexKernels.GatherRows(owner, x.AsSpan(o * n * inner, n * inner), n, inner, ids.LongData, y.AsSpan(o * k * inner, k * inner), negativeWraps);
        }

        Tensor result = Tensor.Wrap(y, outShape);
        if (GradMode.IsEnabled && source.RequiresGrad)
        {
            result.SetGradFn(new SelectRowsBackward(gradName, owner, source, ids, outer, n, inner, negativeWraps));
        }

        return result;
    }

    private static void RequireIds(string owner, Tensor? indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.DType != DType.Int64)
        {
            throw new ArgumentException(
                $"{owner}: indices must be an int64 tensor (ids), but this one has dtype float32: make them with Tensor.FromIds(...), or convert with ToLong().",
                nameof(indices));
        }
    }

    private static void RequireDimensions(string owner, Tensor source)
    {
        if (source.Rank == 0)
        {
            throw new ArgumentException($"{owner}: a 0-d tensor has no dimension to index.", nameof(source));
        }
    }

    private static int Resolve(string owner, long index, int position, int bound)
    {
        if ((ulong)index >= (ulong)bound)
        {
            throw IndexKernels.OutOfRange(owner, index, position, bound, negativeWraps: false);
        }

        return (int)index;
    }

    /// <summary>For each element of an index smaller than the input (row-major), the flat input offset of its position with 0 along d.</summary>
    private static int[] SubBlockMap(int[] sourceShape, int[] indexShape, int d)
    {
        var strides = new int[sourceShape.Length];
        for (int k = sourceShape.Length - 1, stride = 1; k >= 0; k--)
        {
            strides[k] = stride;
            stride *= sourceShape[k];
        }

        var map = new int[Tensor.CountOf(indexShape)];
        var position = new int[indexShape.Length];
        for (int p = 0; p < map.Length; p++)
        {
            int offset = 0;
            for (int k = 0; k < position.Length; k++)
            {
                offset += k == d ? 0 : position[k] * strides[k];
            }

            map[p] = offset;
            for (int k = position.Length - 1; k >= 0 && ++position[k] == indexShape[k]; k--)
            {
                position[k] = 0;
            }
        }

        return map;
    }

    /// <summary>Each output row came from one row of the source: scatter-add its gradient back (repeated ids accumulate).</summary>
    private sealed class SelectRowsBackward(string name, string owner, Tensor source, Tensor ids, int outer, int n, int inner, bool negativeWraps)
        : GradFn(name, source)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is not { } grad)
            {
                return;
            }

            int k = ids.Count;
            for (int o = 0; o < outer; o++)
            {
                IndexKernels.ScatterAddRows(
                    owner, outputGrad.Slice(o * k * inner, k * inner), n, inner, ids.LongData, grad.AsSpan(o * n * inner, n * inner), negativeWraps);
            }
        }
    }

    /// <summary>Each output element came from one input element: scatter-add its gradient back.</summary>
    private sealed class GatherBackward(Tensor source, Tensor index, int[]? map, int outer, int n, int inner) : GradFn("GatherBackward0", source)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is not { } grad)
            {
                return;
            }

            if (map is null)
            {
                IndexKernels.ScatterAddAlongAxis("Gather", outputGrad, outer, n, inner, index.LongData, grad);
                return;
            }

            for (int p = 0; p < outputGrad.Length; p++)
            {
                grad[map[p] + (Resolve("Gather", index.LongData[p], p, n) * inner)] += outputGrad[p];
            }
        }
    }
}
