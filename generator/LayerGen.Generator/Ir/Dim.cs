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
}

/// <summary>One dimension of a symbolic shape.</summary>
internal readonly struct Dim : IEquatable<Dim>
{
    public static readonly Dim Rows = new(DimKind.Rows, 0, null);
    public static readonly Dim One = Const(1);

    private Dim(DimKind kind, int value, string? symbol)
    {
        Kind = kind;
        Value = value;
        Symbol = symbol;
    }

    public DimKind Kind { get; }

    public int Value { get; }

    public string? Symbol { get; }

    public bool IsOne => Kind == DimKind.Const && Value == 1;

    public static Dim Const(int value) => new(DimKind.Const, value, null);

    public static Dim Sym(string name) => new(DimKind.Symbol, 0, name);

    /// <summary>The C# expression for this size inside a kernel.</summary>
    public string Code => Kind switch
    {
        DimKind.Const => Value.ToString(CultureInfo.InvariantCulture),
        DimKind.Symbol => Symbol!,
        _ => "rows",
    };

    /// <summary>How the size is shown to a user in diagnostics and comments.</summary>
    public override string ToString() => Kind == DimKind.Rows ? "*" : Code;

    public bool Equals(Dim other) => Kind == other.Kind && Value == other.Value && Symbol == other.Symbol;

    public override bool Equals(object? obj) => obj is Dim other && Equals(other);

    public override int GetHashCode() => ((int)Kind * 397) ^ Value ^ (Symbol?.GetHashCode() ?? 0);
}
