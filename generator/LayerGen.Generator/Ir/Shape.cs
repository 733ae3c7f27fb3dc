using System;
using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Ir;

/// <summary>
/// A symbolic shape: a list of <see cref="Dim"/>. A batched tensor starts with <see cref="Dim.Rows"/>;
/// a parameter or a full reduction has no rows.
/// </summary>
internal sealed class Shape : IEquatable<Shape>
{
    public static readonly Shape Scalar = new(Array.Empty<Dim>());

    public Shape(IReadOnlyList<Dim> dims) => Dims = dims.ToArray();

    public IReadOnlyList<Dim> Dims { get; }

    public int Rank => Dims.Count;

    public bool HasRows => Dims.Count > 0 && Dims[0].Kind == DimKind.Rows;

    public Dim this[int index] => Dims[index];

    public Dim Last => Dims[Dims.Count - 1];

    /// <summary>The dimensions after the rows (all of them when there are no rows).</summary>
    public IEnumerable<Dim> Features => HasRows ? Dims.Skip(1) : Dims;

    public static Shape Of(params Dim[] dims) => new(dims);

    /// <summary>True when every dimension is the constant 1 (or there are none): a single value.</summary>
    public bool IsSingleValue => Dims.All(d => d.IsOne);

    /// <summary>The element count as a C# expression, folding constants (e.g. <c>rows * 128</c>).</summary>
    public string CountCode => ProductCode(Dims);

    /// <summary>The product of the dimensions that are sizes (the batch left out), normalised.</summary>
    public static SizeExpr SizeProduct(IEnumerable<Dim> dims) =>
        dims.Where(d => d.IsSize).Aggregate(SizeExpr.Constant(1), (product, d) => product * d.AsSize);

    public static string ProductCode(IEnumerable<Dim> dims)
    {
        long constant = 1;
        var factors = new List<string>();
        foreach (var dim in dims)
        {
            if (dim.Kind == DimKind.Const)
            {
                constant *= dim.Value;
            }
            else
            {
                factors.Add(dim.Code);
            }
        }

        if (constant != 1 || factors.Count == 0)
        {
            factors.Add(constant.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return string.Join(" * ", factors);
    }

    public bool Equals(Shape? other) => other is not null && Dims.SequenceEqual(other.Dims);

    public override bool Equals(object? obj) => Equals(obj as Shape);

    public override int GetHashCode() => Dims.Aggregate(17, (h, d) => (h * 31) + d.GetHashCode());

    /// <summary>PyTorch-like text, e.g. <c>[*, 64]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", Dims) + "]";
}
