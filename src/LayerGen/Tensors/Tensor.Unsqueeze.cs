using System;

namespace LayerGen;

public sealed partial class Tensor
{
    /// <summary>
    /// The same elements with an axis of size 1 inserted at <paramref name="dim"/> (negative counts from the end of the
    /// result, so -1 appends one), as torch's <c>unsqueeze</c> and Python's <c>x[..., None]</c>: <c>validLens.Unsqueeze(-1)</c>
    /// broadcasts one length per row against a row of positions. Shares storage, as <see cref="Reshape"/>.
    /// </summary>
    public Tensor Unsqueeze(int dim)
    {
        int rank = Rank + 1;
        int at = dim < 0 ? dim + rank : dim;
        if (at < 0 || at >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})");
        }

        var shape = new int[rank];
        for (int d = 0, source = 0; d < rank; d++)
        {
            shape[d] = d == at ? 1 : _shape[source++];
        }

        return ShapeOps.Reshape(this, shape);
    }
}
