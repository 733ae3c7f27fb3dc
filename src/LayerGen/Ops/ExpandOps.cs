using System;

namespace LayerGen;

/// <summary>
/// The eager reference for <c>Expand</c>/<c>ExpandAs</c>: PyTorch's <c>expand</c>, which stretches sizes of 1 (and adds
/// leading axes) without copying. Tensors here have no strides, so the result is a copy made through a broadcast index
/// map; its gradient flows back through the same map, which sums over the stretched axes.
/// </summary>
internal static class ExpandOps
{
    /// <summary>
    /// <paramref name="x"/> seen with shape <paramref name="sizes"/>: aligned at the last axis, each size equal to the
    /// existing one, -1 (keep it), or anything where the existing size is 1; extra sizes in front add axes (not -1).
    /// </summary>
    public static Tensor Expand(Tensor x, int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Length < x.Rank)
        {
            throw new ArgumentException(
                $"expand: the number of sizes provided ({sizes.Length}) must be greater or equal to the number of dimensions in the tensor ({x.Rank}).",
                nameof(sizes));
        }

        int lead = sizes.Length - x.Rank;
        var shape = new int[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            int existing = i < lead ? -1 : x.Size(i - lead);
            int wanted = sizes[i];
            if (i < lead && wanted < 0)
            {
                throw new ArgumentException(
                    $"expand: the expanded size of the tensor ({wanted}) isn't allowed in a leading, non-existing dimension {i}.", nameof(sizes));
            }

            if (i >= lead && wanted == -1)
            {
                wanted = existing;
            }

            if (wanted < 0 || (i >= lead && existing != 1 && wanted != existing))
            {
                throw new ArgumentException(
                    $"The expanded size of the tensor ({sizes[i]}) must match the existing size ({existing}) at non-singleton dimension {i}.  "
                    + $"Target sizes: {Tensor.FormatShape(sizes)}.  Tensor sizes: {Tensor.FormatShape(x.Shape)}",
                    nameof(sizes));
            }

            shape[i] = wanted;
        }

        return ShapeOps.Gather(x, shape, Broadcast.IndexMap(shape, x.Shape), "ExpandBackward0");
    }

    /// <summary><c>x.expand_as(other)</c>: <see cref="Expand"/> to <paramref name="other"/>'s shape.</summary>
    public static Tensor ExpandAs(Tensor x, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Expand(x, other.Shape.ToArray());
    }
}
