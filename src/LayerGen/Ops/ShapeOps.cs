using System;

namespace LayerGen;

/// <summary>The eager reference for shape operations: <c>Reshape</c>, <c>Transpose</c> and <c>T</c>.</summary>
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
        Tensor result = Tensor.Wrap(x.Data, resolved);
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
        int[] shape = (int[])x.ShapeArray.Clone();
        (shape[d0], shape[d1]) = (shape[d1], shape[d0]);

        int[] map = TransposeMap(x.ShapeArray, d0, d1);
        var y = new float[x.Count];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = x.Data[map[i]];
        }

        Tensor result = Tensor.Wrap(y, shape);
        if (GradMode.IsEnabled && x.RequiresGrad)
        {
            result.SetGradFn(new TransposeBackward(name, x, map));
        }

        return result;
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

    // For each element of the transposed tensor, the flat index of the input element it copies.
    private static int[] TransposeMap(int[] inputShape, int d0, int d1)
    {
        int rank = inputShape.Length;
        var inputStrides = new int[rank];
        for (int d = rank - 1, stride = 1; d >= 0; d--)
        {
            inputStrides[d] = stride;
            stride *= inputShape[d];
        }

        // Walking the output in row-major order means walking the input with swapped strides.
        int[] outShape = (int[])inputShape.Clone();
        (outShape[d0], outShape[d1]) = (outShape[d1], outShape[d0]);
        int[] strides = (int[])inputStrides.Clone();
        (strides[d0], strides[d1]) = (strides[d1], strides[d0]);

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
    private sealed class TransposeBackward(string name, Tensor x, int[] map) : GradFn(name, x)
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
}
