using System;
using System.ComponentModel;

namespace LayerGen.Kernels;

/// <summary>
/// The length checks generated glue runs before a kernel: the kernels themselves read without bounds
/// checks, so a wrong length must never reach them.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SpanChecks
{
    public static void Length(string layer, string buffer, int actual, int expected)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{layer}: '{buffer}' has {actual} elements but {expected} were expected.", buffer);
        }
    }

    /// <summary>Checks a tensor assigned to a parameter has the parameter's shape.</summary>
    public static void Shape(string layer, string parameter, Tensor? value, ReadOnlySpan<int> expected)
    {
        ArgumentNullException.ThrowIfNull(value, parameter);
        if (!value.Shape.SequenceEqual(expected))
        {
            throw new ArgumentException(
                $"{layer}: parameter '{parameter}' has shape {Tensor.FormatShape(expected)} but the assigned tensor has shape {Tensor.FormatShape(value.Shape)}.",
                parameter);
        }
    }

    public static void MinimumLength(string layer, string buffer, int actual, int minimum)
    {
        if (actual < minimum)
        {
            throw new ArgumentException($"{layer}: '{buffer}' has {actual} elements but at least {minimum} are needed (see SavedLength).", buffer);
        }
    }
}
