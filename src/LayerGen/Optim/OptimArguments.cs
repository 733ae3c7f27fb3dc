using System;

namespace LayerGen;

/// <summary>The argument checks the optimisers and schedules share, with PyTorch's wording.</summary>
internal static class OptimArguments
{
    /// <summary>Throws unless <paramref name="value"/> is finite and &gt;= 0.</summary>
    public static void NonNegative(double value, string name, string what)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Invalid {what}: {value}");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite.</summary>
    public static void Finite(double value, string name, string what)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Invalid {what}: {value}");
        }
    }

    /// <summary>Throws unless 0 &lt;= <paramref name="value"/> &lt; 1 (Adam's betas).</summary>
    public static void Beta(double value, string name, int index)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Invalid beta parameter at index {index}: {value}");
        }
    }

    /// <summary>
    /// Throws unless <paramref name="buffer"/> is as long as <paramref name="parameter"/>: the updates read
    /// and write every buffer without bounds checks, so this one check per parameter must precede them.
    /// </summary>
    public static void SameLength(ReadOnlySpan<float> parameter, ReadOnlySpan<float> buffer, string name)
    {
        if (buffer.Length != parameter.Length)
        {
            throw new ArgumentException($"The {name} has {buffer.Length} elements but the parameter has {parameter.Length}.", name);
        }
    }
}
