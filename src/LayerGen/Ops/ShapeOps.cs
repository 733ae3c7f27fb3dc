using System;

namespace LayerGen;

/// <summary>
/// The eager reference for shape operations: <c>Reshape</c>/<c>View</c>, <c>Transpose</c>/<c>Permute</c>/<c>T</c>,
/// <c>Narrow</c>/<c>Slice</c>, <c>Concat</c> and <c>Stack</c>.
/// </summary>
/// <remarks>
/// Every op but reshape moves elements, and is written as a gather: a map saying, for each output
/// element (row-major), which input element it copies. Backward scatters the output gradient back
/// through the same map. Tensors have no strides, so all of them copy.
/// </remarks>
internal static class ShapeOps
{
    /// <summary>
    /// Same elements, new shape (one dimension may be -1 and is inferred). Storage is shared, as a
    /// PyTorch view of a contiguous tensor, so no data is copied.
    /// </summary>
    public static Tensor Reshape(Tensor x, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        int[] resolved = ResolveShape(shape, x.Count);
        Tensor result = x.ShareStorage(resolved); // either dtype: ids reshape too
        if (GradMode.IsEnabled && x.RequiresGrad)
        {
            result.SetGradFn(new ReshapeBackward(x));
        }

        return result;
    }

    /// <summary>Swaps dimensions <paramref name="dim0"/> and <paramref name="dim1"/> (negative counts from the end); copies.</summary>
    public static Tensor Transpose(Tensor x, int dim0, int dim1, string name = "TransposeBackward0")
    {
        ArgumentNullException.ThrowIfNull(x);
        int d0 = Tensor.NormalizeDim(dim0, x.Rank), d1 = Tensor.NormalizeDim(dim1, x.Rank);
        int[] dims = new int[x.Rank];
        for (int d = 0; d < dims.Length; d++)
        {
            dims[d] = d;
        }

        (dims[d0], dims[d1]) = (dims[d1], dims[d0]);
        return Gather(x, PermutedShape(x.ShapeArray, dims), PermuteMap(x.ShapeArray, dims), name);
    }

    /// <summary>The 2-D transpose (<c>x.T</c>); a tensor of rank 0 or 1 is returned unchanged, as in PyTorch.</summary>
    public static Tensor T(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Rank switch
        {
            < 2 => x,
            2 => Transpose(x, 0, 1, "PermuteBackward0"), // PyTorch's x.T is a permute
            _ => throw new ArgumentException(
                $"T is the 2-D transpose; use Transpose(dim0, dim1) for shape {Tensor.FormatShape(x.Shape)}."),
        };
    }

    /// <summary>
    /// Output dimension i is input dimension <paramref name="dims"/>[i] (negative counts from the end);
    /// <paramref name="dims"/> must name every dimension once. Copies.
    /// </summary>
    public static Tensor Permute(Tensor x, int[] dims)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length != x.Rank)
        {
            throw new ArgumentException(
                $"permute(): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {x.Rank} is not equal to len(dims) = {dims.Length}",
                nameof(dims));
        }

        int[] resolved = new int[dims.Length];
        var seen = new bool[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            resolved[i] = Tensor.NormalizeDim(dims[i], x.Rank);
            if (seen[resolved[i]])
            {
                throw new ArgumentException($"permute(): duplicate dims are not allowed (dims = {Tensor.FormatShape(dims)})", nameof(dims));
            }

            seen[resolved[i]] = true;
        }

        return Gather(x, PermutedShape(x.ShapeArray, resolved), PermuteMap(x.ShapeArray, resolved), "PermuteBackward0");
    }

    /// <summary>
    /// Elements start .. start+length-1 of dimension <paramref name="dim"/>; a negative
    /// <paramref name="start"/> counts from the end. Strict, as torch.narrow: the range must fit.
    /// </summary>
    public static Tensor Narrow(Tensor x, int dim, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = Tensor.NormalizeDim(dim, x.Rank);
        int size = x.ShapeArray[d];
        if (start < -size || start > size)
        {
            throw new ArgumentOutOfRangeException(
                nameof(start), $"start out of range (expected to be in range of [{-size}, {size}], but got {start})");
        }

        int from = start < 0 ? start + size : start;
        if (length < 0 || from + (long)length > size)
        {
            throw new ArgumentOutOfRangeException(
                nameof(length), length < 0
                    ? $"narrow(): length must be non-negative (got {length})"
                    : $"start ({from}) + length ({length}) exceeds dimension size ({size}).");
        }

        return Range(x, d, from, length);
    }

    /// <summary>
    /// <c>x[..., start:end]</c> on dimension <paramref name="dim"/>, with Python's slicing rules: a
    /// negative start or end counts from the end, both are then clamped to [0, size], and end &lt;= start
    /// gives an empty dimension. (Unlike <see cref="Narrow"/>, which throws, as torch.narrow.)
    /// </summary>
    public static Tensor Slice(Tensor x, int dim, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = Tensor.NormalizeDim(dim, x.Rank);
        int size = x.ShapeArray[d];
        int from = Math.Clamp(start < 0 ? start + size : start, 0, size);
        int to = Math.Clamp(end < 0 ? end + size : end, 0, size);
        return Range(x, d, from, Math.Max(to - from, 0));
    }

    /// <summary>
    /// Joins <paramref name="tensors"/> along an existing dimension (torch.cat): same rank, same sizes
    /// except along <paramref name="axis"/>, which is normalised against the first tensor's rank.
    /// </summary>
    public static Tensor Concat(int axis, Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0)
        {
            throw new ArgumentException("Concat: expected a non-empty list of tensors", nameof(tensors));
        }

        for (int t = 0; t < tensors.Length; t++)
        {
            ArgumentNullException.ThrowIfNull(tensors[t], $"{nameof(tensors)}[{t}]");
        }

        int[] first = tensors[0].ShapeArray;
        if (first.Length == 0)
        {
            throw new ArgumentException("Concat: zero-dimensional tensor (at position 0) cannot be concatenated", nameof(tensors));
        }

        int d = Tensor.NormalizeDim(axis, first.Length);
        int total = 0;
        for (int t = 0; t < tensors.Length; t++)
        {
            int[] shape = tensors[t].ShapeArray;
            if (shape.Length != first.Length)
            {
                throw new ArgumentException(
                    $"Concat: tensors must have the same number of dimensions: got {first.Length} and {shape.Length} (tensor {t} has shape {Tensor.FormatShape(shape)})",
                    nameof(tensors));
            }

            for (int k = 0; k < shape.Length; k++)
            {
                if (k != d && shape[k] != first[k])
                {
                    throw new ArgumentException(
                        $"Sizes of tensors must match except in dimension {d}. Expected size {first[k]} but got size {shape[k]} for tensor number {t} in the list.",
                        nameof(tensors));
                }
            }

            total += shape[d];
        }

        int[] outShape = (int[])first.Clone();
        outShape[d] = total;
        return Join(tensors, outShape, d, "CatBackward0");
    }

    /// <summary>
    /// Joins equal-shaped <paramref name="tensors"/> along a new dimension inserted at
    /// <paramref name="axis"/> (torch.stack; axis in [-(rank+1), rank]).
    /// </summary>
    public static Tensor Stack(int axis, Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0)
        {
            throw new ArgumentException("Stack: expected a non-empty list of tensors", nameof(tensors));
        }

        for (int t = 0; t < tensors.Length; t++)
        {
            ArgumentNullException.ThrowIfNull(tensors[t], $"{nameof(tensors)}[{t}]");
        }

        int[] first = tensors[0].ShapeArray;
        for (int t = 1; t < tensors.Length; t++)
        {
            if (!tensors[t].Shape.SequenceEqual(first))
            {
                throw new ArgumentException(
                    $"stack expects each tensor to be equal size, but got {Tensor.FormatShape(first)} at entry 0 and {Tensor.FormatShape(tensors[t].Shape)} at entry {t}",
                    nameof(tensors));
            }
        }

        int d = Tensor.NormalizeDim(axis, first.Length + 1);
        int[] outShape = [.. first[..d], 1, .. first[d..]];

        // Stacking is concatenating along a new size-1 dimension: view each input with it, then join.
        int[] unit = (int[])outShape.Clone();
        var viewed = new Tensor[tensors.Length];
        for (int t = 0; t < tensors.Length; t++)
        {
            viewed[t] = tensors[t].ShareStorage(unit);
        }

        outShape[d] = tensors.Length;
        return Join(viewed, outShape, d, "StackBackward0", tensors);
    }

    // Elements from .. from+length-1 of dimension d, as [outer, n, inner] -> [outer, length, inner].
    private static Tensor Range(Tensor x, int d, int from, int length)
    {
        int[] shape = x.ShapeArray;
        int outer = Tensor.CountOf(shape.AsSpan(0, d)), n = shape[d], inner = Tensor.CountOf(shape.AsSpan(d + 1));
        int[] outShape = (int[])shape.Clone();
        outShape[d] = length;
        var map = new int[outer * length * inner];
        int k = 0;
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < length; j++)
            {
                for (int i = 0; i < inner; i++)
                {
                    map[k++] = (o * n + from + j) * inner + i;
                }
            }
        }

        return Gather(x, outShape, map, "SliceBackward0");
    }

    /// <summary>
    /// Concatenates the (validated) <paramref name="parts"/> along d. The graph records
    /// <paramref name="inputs"/> (the parts themselves unless they are re-shaped views of them, for Stack).
    /// </summary>
    private static Tensor Join(Tensor[] parts, int[] outShape, int d, string name, Tensor[]? inputs = null)
    {
        inputs ??= parts;
        if (parts[0].DType == DType.Int64)
        {
            return JoinIds(parts, outShape, d, name);
        }

        int outer = Tensor.CountOf(outShape.AsSpan(0, d)), inner = Tensor.CountOf(outShape.AsSpan(d + 1));
        int total = outShape[d];
        var y = new float[outer * total * inner];
        var offsets = new int[parts.Length]; // where each part starts along d
        var lengths = new int[parts.Length]; // and its size along d
        for (int t = 0, offset = 0; t < parts.Length; t++)
        {
            int n = parts[t].ShapeArray[d];
            (offsets[t], lengths[t]) = (offset, n);
            float[] source = parts[t].Data;
            for (int o = 0; o < outer; o++)
            {
                Array.Copy(source, o * n * inner, y, (o * total + offset) * inner, n * inner);
            }

            offset += n;
        }

        Tensor result = Tensor.Wrap(y, outShape);
        if (GradMode.IsEnabled && Array.Exists(inputs, t => t.RequiresGrad))
        {
            result.SetGradFn(new JoinBackward(name, inputs, offsets, lengths, outer, total, inner));
        }

        return result;
    }

    internal static Tensor Gather(Tensor x, int[] outShape, int[] map, string name)
    {
        if (x.DType == DType.Int64)
        {
            // Ids move as values do; they carry no gradient.
            long[] ids = x.LongData;
            var moved = new long[map.Length];
            for (int i = 0; i < moved.Length; i++)
            {
                moved[i] = ids[map[i]];
            }

            return Tensor.WrapLong(moved, outShape);
        }

        var y = new float[map.Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = x.Data[map[i]];
        }

        Tensor result = Tensor.Wrap(y, outShape);
        if (GradMode.IsEnabled && x.RequiresGrad)
        {
            result.SetGradFn(new GatherBackward(name, x, map));
        }

        return result;
    }

    /// <summary><see cref="Join"/> for int64 parts, which must all be int64 (there is no type promotion).</summary>
    private static Tensor JoinIds(Tensor[] parts, int[] outShape, int d, string name)
    {
        int outer = Tensor.CountOf(outShape.AsSpan(0, d)), inner = Tensor.CountOf(outShape.AsSpan(d + 1));
        int total = outShape[d];
        var y = new long[outer * total * inner];
        for (int t = 0, offset = 0; t < parts.Length; t++)
        {
            if (parts[t].DType != DType.Int64)
            {
                throw new ArgumentException(
                    $"{name[..^"Backward0".Length]}: tensor {t} has dtype float32 but tensor 0 has int64; convert one of them (ToFloat(), ToLong()) first.",
                    nameof(parts));
            }

            int n = parts[t].ShapeArray[d];
            long[] source = parts[t].LongData;
            for (int o = 0; o < outer; o++)
            {
                Array.Copy(source, o * n * inner, y, (o * total + offset) * inner, n * inner);
            }

            offset += n;
        }

        return Tensor.WrapLong(y, outShape);
    }

    private static int[] PermutedShape(int[] shape, int[] dims)
    {
        var result = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            result[i] = shape[dims[i]];
        }

        return result;
    }

    // For each element of the permuted tensor (output dim i = input dim dims[i]), the flat index of
    // the input element it copies.
    private static int[] PermuteMap(int[] inputShape, int[] dims)
    {
        int rank = inputShape.Length;
        var inputStrides = new int[rank];
        for (int d = rank - 1, stride = 1; d >= 0; d--)
        {
            inputStrides[d] = stride;
            stride *= inputShape[d];
        }

        // Walking the output in row-major order means walking the input with permuted strides.
        int[] outShape = PermutedShape(inputShape, dims);
        var strides = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            strides[i] = inputStrides[dims[i]];
        }

        var map = new int[Tensor.CountOf(inputShape)];
        var index = new int[rank];
        for (int i = 0; i < map.Length; i++)
        {
            int source = 0;
            for (int d = 0; d < rank; d++)
            {
                source += index[d] * strides[d];
            }

            map[i] = source;
            for (int d = rank - 1; d >= 0 && ++index[d] == outShape[d]; d--)
            {
                index[d] = 0;
            }
        }

        return map;
    }

    private static int[] ResolveShape(int[] shape, int count)
    {
        int inferred = -1;
        long known = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == -1 && inferred < 0)
            {
                inferred = d;
            }
            else if (shape[d] < 0)
            {
                throw new ArgumentException(
                    shape[d] == -1 ? "only one dimension can be inferred" : $"invalid shape dimension {shape[d]}", nameof(shape));
            }
            else
            {
                known *= shape[d];
            }
        }

        int[] resolved = (int[])shape.Clone();
        if (inferred >= 0 && known != 0 && count % known == 0)
        {
            resolved[inferred] = (int)(count / known);
            return resolved;
        }

        if (inferred < 0 && known == count)
        {
            return resolved;
        }

        throw new ArgumentException(
            $"shape '{Tensor.FormatShape(shape)}' is invalid for input of size {count}", nameof(shape));
    }

    /// <summary>A reshape moves no element, so the gradient is the output gradient, element for element.</summary>
    private sealed class ReshapeBackward(Tensor x) : GradFn("ViewBackward0", x)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is not { } grad)
            {
                return;
            }

            for (int i = 0; i < grad.Length; i++)
            {
                grad[i] += outputGrad[i];
            }
        }
    }

    /// <summary>Each output element copied one input element: send its gradient back through the same map.</summary>
    private sealed class GatherBackward(string name, Tensor x, int[] map) : GradFn(name, x)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is not { } grad)
            {
                return;
            }

            for (int i = 0; i < map.Length; i++)
            {
                grad[map[i]] += outputGrad[i];
            }
        }
    }

    /// <summary>Input t occupies [offset_t, offset_t + length_t) along the joined dimension: its gradient is that block of the output gradient.</summary>
    private sealed class JoinBackward(string name, Tensor[] inputs, int[] offsets, int[] lengths, int outer, int total, int inner)
        : GradFn(name, inputs)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            for (int t = 0; t < offsets.Length; t++)
            {
                if (inputGrads[t] is not { } grad)
                {
                    continue;
                }

                int n = lengths[t];
                for (int o = 0; o < outer; o++)
                {
                    ReadOnlySpan<float> block = outputGrad.Slice((o * total + offsets[t]) * inner, n * inner);
                    for (int k = 0; k < block.Length; k++)
                    {
                        grad[o * n * inner + k] += block[k];
                    }
                }
            }
        }
    }
}
