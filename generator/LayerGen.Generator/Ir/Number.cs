using System;
using System.Globalization;

namespace LayerGen.Generator.Ir;

/// <summary>
/// A scalar of the graph (a literal, an exponent, a clamp bound, a dropout probability): either a constant, compared
/// bit for bit — 0 and −0 are different constants (<c>1f / -0f</c> is −∞), while a NaN equals itself, the opposite
/// of <see cref="double"/>'s own equality on both counts, which would let common-subexpression sharing merge 0 with
/// −0 — or a <b>hyperparameter expression</b> such as <c>1f / MathF.Sqrt(d)</c>, whose value is only known when the
/// kernel runs. Then <see cref="Code"/> is that expression as C# in the kernel's names (the layer's constructor
/// parameters are in scope in every kernel: sizes as parameters or constants, hyperparameters as parameters).
/// </summary>
internal readonly struct Number : IEquatable<Number>
{
    private readonly double _value;

    public Number(double value)
    {
        _value = value;
        Code = null;
    }

    private Number(string code)
    {
        _value = double.NaN;
        Code = code;
    }

    /// <summary>A value computed from the layer's constructor parameters when the kernel runs.</summary>
    public static Number Symbolic(string code) => new(code);

    /// <summary>For a hyperparameter expression: the C# computing it (any numeric type; converted to float where used).</summary>
    public string? Code { get; }

    public bool IsSymbolic => Code is not null;

    /// <summary>
    /// The constant. Reading it from a hyperparameter expression is a generator bug (a rule that computes with the
    /// value at compile time must handle <see cref="IsSymbolic"/> first), so it throws rather than use a stand-in.
    /// </summary>
    public double Value => Code is null ? _value : throw new InvalidOperationException($"the scalar '{Code}' is only known at run time, so it has no constant value");

    /// <summary>True when this is the constant <paramref name="value"/> (never for a hyperparameter expression).</summary>
    public bool Is(double value) => Code is null && _value.Equals(value);

    public static implicit operator double(Number number) => number.Value;

    public static implicit operator Number(double value) => new(value);

    public bool Equals(Number other) => Code == other.Code && BitConverter.DoubleToInt64Bits(_value) == BitConverter.DoubleToInt64Bits(other._value);

    public override bool Equals(object? obj) => obj is Number other && Equals(other);

    public override int GetHashCode() => Code?.GetHashCode() ?? BitConverter.DoubleToInt64Bits(_value).GetHashCode();

    public override string ToString() => Code ?? _value.ToString("R", CultureInfo.InvariantCulture);
}
