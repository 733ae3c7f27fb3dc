using System;
using System.Globalization;

namespace LayerGen.Generator.Ir;

/// <summary>What a dimension's size is known as at compile time.</summary>
internal enum DimKind
{
    /// <summary>A constant.</summary>
    Const,

    /// <summary>One of the layer's size parameters (a constant per specialisation, a variable otherwise).</summary>
    Symbol,

    /// <summary>The batch: all leading dimensions of the input, flattened; always a run-time value.</summary>
    Rows,

    /// <summary>
    /// While the input's shape is being inferred (<c>Building/ShapeUnifier</c>): one dimension whose size is not
    /// known yet. Never in a finished graph.
    /// </summary>
    Unknown,

    /// <summary>
    /// While the input's shape is being inferred: any number of dimensions, not known yet (the input's features
    /// before a use says how many there are). Never in a finished graph.
    /// </summary>
    UnknownDims,
}

/// <summary>One dimension of a symbolic shape.</summary>
internal readonly struct Dim : IEquatable<Dim>
{
    public static readonly Dim Rows = new(DimKind.Rows, 0, null);
    public static readonly Dim One = Const(1);

    private Dim(DimKind kind, int value, SizeExpr? size)
    {
        Kind = kind;
        Value = value;
        Size = size;
    }

    public DimKind Kind { get; }

    public int Value { get; }

    /// <summary>For <see cref="DimKind.Symbol"/>: the size as an expression of the layer's size parameters (<c>n</c>, <c>n + m</c>, <c>d / heads</c>).</summary>
    public SizeExpr? Size { get; }

    public bool IsOne => Kind == DimKind.Const && Value == 1;

    public static Dim Const(int value) => new(DimKind.Const, value, null);

    public static Dim Sym(string name) => new(DimKind.Symbol, 0, SizeExpr.Symbol(name));

    /// <summary>A size expression: a constant when it does not depend on a parameter (<c>n - n + 2</c> is 2).</summary>
    public static Dim Of(SizeExpr size) => size.IsConstant ? Const(checked((int)size.ConstantValue)) : new(DimKind.Symbol, 0, size);

    /// <summary>Unification variable number <paramref name="id"/>: one dimension of unknown size.</summary>
    public static Dim Unknown(int id) => new(DimKind.Unknown, id, null);

    /// <summary>Unification variable number <paramref name="id"/>: an unknown number of dimensions.</summary>
    public static Dim UnknownDims(int id) => new(DimKind.UnknownDims, id, null);

    /// <summary>True for the placeholders of shape inference (<see cref="DimKind.Unknown"/>, <see cref="DimKind.UnknownDims"/>).</summary>
    public bool IsVariable => Kind is DimKind.Unknown or DimKind.UnknownDims;

    /// <summary>True for a constant or a size expression: a size the layer's parameters determine.</summary>
    public bool IsSize => Kind is DimKind.Const or DimKind.Symbol;

    /// <summary>A constant or a size expression as a <see cref="SizeExpr"/> (the batch and unknowns have none).</summary>
    public SizeExpr AsSize => Kind switch
    {
        DimKind.Const => SizeExpr.Constant(Value),
        DimKind.Symbol => Size!,
        _ => throw new InvalidOperationException($"{this} is not a size of the layer's parameters"),
    };

    /// <summary>This size divided by <paramref name="divisor"/>, rounded down.</summary>
    public Dim DividedBy(int divisor) => Kind switch
    {
        DimKind.Const => Const(Value / divisor),
        DimKind.Symbol => Of(SizeExpr.Divide(Size!, SizeExpr.Constant(divisor))),
        _ => throw new InvalidOperationException("the batch cannot be divided"),
    };

    /// <summary>The size as code, with each size parameter's name written by <paramref name="name"/>.</summary>
    public string CodeWith(Func<string, string> name) => Kind switch
    {
        DimKind.Const => Value.ToString(CultureInfo.InvariantCulture),
        DimKind.Symbol => Size!.CodeWith(name),
        DimKind.Rows => "rows",
        _ => throw new InvalidOperationException($"the size {this} was never inferred: shape inference's variables must not reach code"),
    };

    /// <summary>The C# expression for this size inside a kernel.</summary>
    public string Code => CodeWith(s => s);

    /// <summary>How the size is shown to a user in diagnostics and comments.</summary>
    public override string ToString() => Kind switch
    {
        DimKind.Rows => "*",
        DimKind.Unknown => "?" + Value.ToString(CultureInfo.InvariantCulture),
        DimKind.UnknownDims => "..." + Value.ToString(CultureInfo.InvariantCulture),
        DimKind.Symbol => Size!.ToString(),
        _ => Code,
    };

    public bool Equals(Dim other) => Kind == other.Kind && Value == other.Value && Equals(Size, other.Size);

    public override bool Equals(object? obj) => obj is Dim other && Equals(other);

    public override int GetHashCode() => ((int)Kind * 397) ^ Value ^ (Size?.GetHashCode() ?? 0);
}
