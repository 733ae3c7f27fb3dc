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

    private Dim(DimKind kind, int value, string? symbol, int divisor = 1)
    {
        Kind = kind;
        Value = value;
        Symbol = symbol;
        Divisor = divisor;
    }

    public DimKind Kind { get; }

    public int Value { get; }

    public string? Symbol { get; }

    /// <summary>For a symbol: the size is <see cref="Symbol"/> / Divisor, rounded down (n/2 Fourier coefficients).</summary>
    public int Divisor { get; }

    public bool IsOne => Kind == DimKind.Const && Value == 1;

    public static Dim Const(int value) => new(DimKind.Const, value, null);

    public static Dim Sym(string name) => new(DimKind.Symbol, 0, name);

    /// <summary>Unification variable number <paramref name="id"/>: one dimension of unknown size.</summary>
    public static Dim Unknown(int id) => new(DimKind.Unknown, id, null);

    /// <summary>Unification variable number <paramref name="id"/>: an unknown number of dimensions.</summary>
    public static Dim UnknownDims(int id) => new(DimKind.UnknownDims, id, null);

    /// <summary>True for the placeholders of shape inference (<see cref="DimKind.Unknown"/>, <see cref="DimKind.UnknownDims"/>).</summary>
    public bool IsVariable => Kind is DimKind.Unknown or DimKind.UnknownDims;

    /// <summary>This size divided by <paramref name="divisor"/>, rounded down.</summary>
    public Dim DividedBy(int divisor) => Kind switch
    {
        DimKind.Const => Const(Value / divisor),
        DimKind.Symbol => new Dim(DimKind.Symbol, 0, Symbol, Divisor * divisor),
        _ => throw new System.InvalidOperationException("the batch cannot be divided"),
    };

    /// <summary>The size as code, with the symbol's name written by <paramref name="name"/>.</summary>
    public string CodeWith(System.Func<string, string> name) => Kind switch
    {
        DimKind.Const => Value.ToString(CultureInfo.InvariantCulture),
        DimKind.Symbol => Divisor == 1 ? name(Symbol!) : $"({name(Symbol!)} / {Divisor.ToString(CultureInfo.InvariantCulture)})",
        DimKind.Rows => "rows",
        _ => throw new System.InvalidOperationException($"the size {this} was never inferred: shape inference's variables must not reach code"),
    };

    /// <summary>The C# expression for this size inside a kernel.</summary>
    public string Code => CodeWith(s => s);

    /// <summary>How the size is shown to a user in diagnostics and comments.</summary>
    public override string ToString() => Kind switch
    {
        DimKind.Rows => "*",
        DimKind.Unknown => "?" + Value.ToString(CultureInfo.InvariantCulture),
        DimKind.UnknownDims => "..." + Value.ToString(CultureInfo.InvariantCulture),
        DimKind.Symbol when Divisor != 1 => $"{Symbol}/{Divisor.ToString(CultureInfo.InvariantCulture)}",
        _ => Code,
    };

    public bool Equals(Dim other) => Kind == other.Kind && Value == other.Value && Symbol == other.Symbol && Divisor == other.Divisor;

    public override bool Equals(object? obj) => obj is Dim other && Equals(other);

    public override int GetHashCode() => ((int)Kind * 397) ^ Value ^ (Symbol?.GetHashCode() ?? 0) ^ (Divisor * 7919);
}
