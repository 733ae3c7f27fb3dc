using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Building;

/// <summary>
/// The unknowns of the first, inferring reading of a forward definition (<see cref="GraphBuilder"/>): the input's
/// features start as <see cref="DimKind.UnknownDims"/> — any number of dimensions — and become sizes as the uses
/// say: a negative axis opens as many trailing dimensions as it reaches (each a <see cref="DimKind.Unknown"/>), a
/// product or a child layer fixes the rank, and every comparison of two sizes (broadcasting, a product's inner
/// dimensions, an einsum letter) unifies them. So <c>x.Mean(-1, keepDim: true)</c> followed by
/// <c>gamma * (x - mean)</c> (gamma [n]) makes the input [*, n], whichever use comes first.
/// </summary>
/// <remarks>
/// A variable is bound once: the first binding wins, as the first use that pinned the input did before. What no
/// use fixes is settled by <see cref="Finish"/>: an unknown number of dimensions becomes none.
/// </remarks>
internal sealed class ShapeUnifier
{
    private readonly Dictionary<int, Dim> _sizes = new();
    private readonly Dictionary<int, Dim[]> _dims = new();
    private int _next;

    public Dim NewSize() => Dim.Unknown(_next++);

    public Dim NewDims() => Dim.UnknownDims(_next++);

    /// <summary>The dimension with every bound variable replaced by what it is.</summary>
    public Dim Resolve(Dim dim)
    {
        while (dim.Kind == DimKind.Unknown && _sizes.TryGetValue(dim.Value, out var bound))
        {
            dim = bound;
        }

        return dim;
    }

    /// <summary>The shape with every bound variable replaced (an unknown number of dimensions by what it was opened to).</summary>
    public Shape Resolve(Shape shape)
    {
        if (!shape.Dims.Any(d => d.IsVariable))
        {
            return shape;
        }

        var dims = new List<Dim>();
        foreach (var dim in shape.Dims)
        {
            if (dim.Kind == DimKind.UnknownDims && _dims.TryGetValue(dim.Value, out var expansion))
            {
                dims.AddRange(Resolve(new Shape(expansion)).Dims);
            }
            else
            {
                dims.Add(Resolve(dim));
            }
        }

        return new Shape(dims);
    }

    /// <summary>Where the shape's unknown number of dimensions stands, or −1 when its rank is known.</summary>
    public static int OpenAt(Shape shape)
    {
        for (int i = 0; i < shape.Rank; i++)
        {
            if (shape[i].Kind == DimKind.UnknownDims)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Makes two sizes the same; false when they are two different known sizes (or one is the batch).</summary>
    public bool Unify(Dim a, Dim b)
    {
        a = Resolve(a);
        b = Resolve(b);
        if (a.Equals(b))
        {
            return true;
        }

        if (a.Kind == DimKind.Unknown && b.Kind != DimKind.Rows)
        {
            _sizes[a.Value] = b;
            return true;
        }

        if (b.Kind == DimKind.Unknown && a.Kind != DimKind.Rows)
        {
            _sizes[b.Value] = a;
            return true;
        }

        return false;
    }

    /// <summary>
    /// The shape with at least <paramref name="count"/> known positions after its unknown number of dimensions:
    /// that many are taken off its end as new sizes (<c>[*, ...]</c> seen through axis −1 is <c>[*, ..., ?]</c>).
    /// </summary>
    public Shape OpenSuffix(Shape shape, int count)
    {
        shape = Resolve(shape);
        int at = OpenAt(shape);
        int missing = count - (shape.Rank - at - 1);
        if (at < 0 || missing <= 0)
        {
            return shape;
        }

        var rest = NewDims();
        _dims[shape[at].Value] = new[] { rest }.Concat(Enumerable.Range(0, missing).Select(_ => NewSize())).ToArray();
        return Resolve(shape);
    }

    /// <summary>The shape with exactly <paramref name="rank"/> dimensions (new sizes where it had an unknown number); null when it has more.</summary>
    public Shape? Close(Shape shape, int rank)
    {
        shape = Resolve(shape);
        int at = OpenAt(shape);
        if (at < 0)
        {
            return shape.Rank == rank ? shape : null;
        }

        int missing = rank - (shape.Rank - 1);
        if (missing < 0)
        {
            return null;
        }

        _dims[shape[at].Value] = Enumerable.Range(0, missing).Select(_ => NewSize()).ToArray();
        return Resolve(shape);
    }

    /// <summary>The shape with every unknown number of dimensions taken to be none: the fewest the uses allow.</summary>
    public Shape Finish(Shape shape)
    {
        shape = Resolve(shape);
        while (OpenAt(shape) is int at && at >= 0)
        {
            _dims[shape[at].Value] = System.Array.Empty<Dim>();
            shape = Resolve(shape);
        }

        return shape;
    }

    /// <summary>NumPy broadcasting (<see cref="ShapeRules.Broadcast"/>) of shapes that may hold unknowns, unifying sizes it compares.</summary>
    public Shape? Broadcast(Shape a, Shape b, out string? error)
    {
        a = Resolve(a);
        b = Resolve(b);
        int openA = OpenAt(a), openB = OpenAt(b);
        error = null;
        if (openA >= 0 && openB >= 0)
        {
            if (openA != openB || a.Rank != b.Rank || (!a[openA].Equals(b[openB]) && !(a.HasRows && b.HasRows)))
            {
                error = $"{a} and {b} cannot be aligned";
                return null;
            }

            // The same unknown dimensions on both sides (x and x.Sum(-1, true)), or a loss's input and target, which
            // are then the same dimensions.
            if (!a[openA].Equals(b[openB]))
            {
                _dims[b[openB].Value] = new[] { a[openA] };
                b = Resolve(b);
            }

            var dims = new Dim[a.Rank];
            for (int i = 0; i < a.Rank; i++)
            {
                if (i == openA)
                {
                    dims[i] = a[i];
                }
                else if (BroadcastDim(a[i], b[i]) is { } dim)
                {
                    dims[i] = dim;
                }
                else
                {
                    error = $"{a} and {b} cannot be broadcast together";
                    return null;
                }
            }

            return new Shape(dims);
        }

        if (openA < 0 && openB < 0)
        {
            return BroadcastKnownRanks(a, b, out error);
        }

        var (open, closed) = openA >= 0 ? (a, b) : (b, a);
        if (closed.HasRows)
        {
            // Rows align with rows: the open shape has the closed one's rank.
            return Close(open, closed.Rank) is { } sameRank ? BroadcastKnownRanks(sameRank, closed, out error) : Fail(a, b, out error);
        }

        // A shape without the batch (a parameter, a constant) aligns with the open shape's last dimensions.
        open = OpenSuffix(open, closed.Rank);
        var suffix = new Shape(open.Dims.Skip(open.Rank - closed.Rank).ToArray());
        var broadcast = BroadcastKnownRanks(suffix, closed, out error);
        return broadcast is null ? null : new Shape(open.Dims.Take(open.Rank - closed.Rank).Concat(broadcast.Dims).ToArray());
    }

    private static Shape? Fail(Shape a, Shape b, out string? error)
    {
        error = $"{a} and {b} cannot be broadcast together";
        return null;
    }

    private Shape? BroadcastKnownRanks(Shape a, Shape b, out string? error)
    {
        error = null;
        int rank = System.Math.Max(a.Rank, b.Rank);
        var dims = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            int ai = a.Rank - rank + i;
            int bi = b.Rank - rank + i;
            if (ai < 0 || bi < 0)
            {
                dims[i] = ai < 0 ? b[bi] : a[ai];
            }
            else if (BroadcastDim(a[ai], b[bi]) is { } dim)
            {
                dims[i] = dim;
            }
            else
            {
                return Fail(a, b, out error);
            }
        }

        if (dims.Skip(1).Any(d => d.Kind == DimKind.Rows))
        {
            return Fail(a, b, out error);
        }

        return new Shape(dims);
    }

    /// <summary>Two sizes broadcast together: equal (unified), or one of them 1; null when they cannot be.</summary>
    private Dim? BroadcastDim(Dim a, Dim b)
    {
        a = Resolve(a);
        b = Resolve(b);
        if (b.IsOne)
        {
            return a;
        }

        if (a.IsOne)
        {
            return b;
        }

        return Unify(a, b) ? Resolve(a) : null;
    }
}
