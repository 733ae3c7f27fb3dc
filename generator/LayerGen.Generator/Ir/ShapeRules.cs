using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Ir;

/// <summary>Shape rules shared by graph building and autodiff.</summary>
internal static class ShapeRules
{
    /// <summary>
    /// NumPy broadcasting over trailing dimensions: sizes must be equal or one of them 1. The rows
    /// dimension only matches rows, so a per-feature tensor cannot silently broadcast against the batch.
    /// </summary>
    public static Shape? Broadcast(Shape a, Shape b, out string? error)
    {
        error = null;
        int rank = System.Math.Max(a.Rank, b.Rank);
        var dims = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            int ai = a.Rank - rank + i;
            int bi = b.Rank - rank + i;
            Dim? da = ai >= 0 ? a[ai] : null;
            Dim? db = bi >= 0 ? b[bi] : null;
            if (da is null)
            {
                dims[i] = db!.Value;
            }
            else if (db is null)
            {
                dims[i] = da.Value;
            }
            else if (da.Value.Equals(db.Value) || db.Value.IsOne)
            {
                dims[i] = da.Value;
            }
            else if (da.Value.IsOne)
            {
                dims[i] = db.Value;
            }
            else
            {
                error = $"{a} and {b} cannot be broadcast together (dimension {i - rank}: {da.Value} vs {db.Value})";
                return null;
            }
        }

        var result = new Shape(dims);
        if (dims.Skip(1).Any(d => d.Kind == DimKind.Rows))
        {
            error = $"{a} and {b} would broadcast the batch into a feature dimension";
            return null;
        }

        return result;
    }

    /// <summary>The shape with dimension <paramref name="axis"/> set to 1 (keepDim) or removed.</summary>
    public static Shape Reduced(Shape shape, int axis, bool keepDim)
    {
        var dims = new List<Dim>(shape.Dims);
        if (keepDim)
        {
            dims[axis] = Dim.One;
        }
        else
        {
            dims.RemoveAt(axis);
        }

        return new Shape(dims);
    }
}
