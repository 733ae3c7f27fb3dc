using System;
using System.Globalization;

namespace LayerGen.Generator.Ir;

/// <summary>
/// A constant of the graph (a literal, an exponent, a clamp bound), compared bit for bit: 0 and −0 are different
/// constants (<c>1f / -0f</c> is −∞), while a NaN equals itself. <see cref="double"/>'s own equality says the
/// opposite on both counts, which would let common-subexpression sharing merge 0 with −0.
/// </summary>
internal readonly struct Number : IEquatable<Number>
{
    public Number(double value) => Value = value;

    public double Value { get; }

    public static implicit operator double(Number number) => number.Value;

    public static implicit operator Number(double value) => new(value);

    public bool Equals(Number other) => BitConverter.DoubleToInt64Bits(Value) == BitConverter.DoubleToInt64Bits(other.Value);

    public override bool Equals(object? obj) => obj is Number other && Equals(other);

    public override int GetHashCode() => BitConverter.DoubleToInt64Bits(Value).GetHashCode();

    public override string ToString() => Value.ToString("R", CultureInfo.InvariantCulture);
}
