using System;

namespace LayerGen;

/// <summary>
/// The eager reference for <c>Ops.Pick(x, indices)</c>: from x [..., C] the element at each row's index
/// (an int64 class label, or a float holding a whole number, in [0, C)) — cross-entropy's "log-probability of the true class".
/// </summary>
internal static class PickOps
{
    public static Tensor Pick(Tensor x, Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(indices);
        if (x.Rank < 1 || indices.Rank != x.Rank - 1 || !indices.Shape.SequenceEqual(x.Shape[..^1]))
        {
            throw new ArgumentException(
                $"Pick needs one index per row of {Tensor.FormatShape(x.Shape)}, but the indices have shape {Tensor.FormatShape(indices.Shape)}",
                nameof(indices));
        }

        int classes = x.Size(-1);
        var picked = new float[indices.Count];
        for (int row = 0; row < picked.Length; row++)
        {
            picked[row] = x.Data[(row * classes) + Index(indices, row, classes)];
        }

        var result = Tensor.Wrap(picked, indices.Shape.ToArray());
        if (GradMode.IsEnabled && x.RequiresGrad)
        {
            result.SetGradFn(new PickBackward(x, indices, classes));
        }

        return result;
    }

    private static int Index(Tensor indices, int row, int classes)
    {
        if (indices.DType == DType.Int64)
        {
            long label = indices.LongData[row];
            return (ulong)label < (ulong)classes
                ? (int)label
                : throw new ArgumentOutOfRangeException(nameof(indices), label, $"Pick: label {label} at position {row} is not a class: labels must be in [0, {classes}).");
        }

        return Index(indices.Data[row], classes);
    }

    private static int Index(float value, int classes)
    {
        int index = (int)value;
        if (index != value || index < 0 || index >= classes)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"A class index must be a whole number in [0, {classes}).");
        }

        return index;
    }

    private sealed class PickBackward(Tensor x, Tensor indices, int classes) : GradFn("GatherBackward0", x)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is { } grad)
            {
                for (int row = 0; row < outputGrad.Length; row++)
                {
                    grad[(row * classes) + Index(indices, row, classes)] += outputGrad[row];
                }
            }
        }
    }
}
