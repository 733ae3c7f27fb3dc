using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace LayerGen.Kernels;

/// <summary>
/// The length checks generated glue runs before a kernel: the kernels themselves read without bounds
/// checks, so a wrong length must never reach them.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SpanChecks
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(string layer, string buffer, int actual, int expected)
    {
        // The check is inlined into every span call; the message is built only in the cold throw helper.
        if (actual != expected)
        {
            ThrowLength(layer, buffer, actual, expected);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(string layer, string buffer, int actual, int expected) =>
        throw new ArgumentException($"{layer}: '{buffer}' has {actual} elements but {expected} were expected.", buffer);

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

    /// <summary>
    /// Checks a buffer or plain tensor field the forward reads holds the shape the kernels were generated for (a field
    /// initialised by a method, or reassigned, may not); cheap enough to run on every call.
    /// </summary>
    public static void BufferShape(string layer, string buffer, Tensor? value, ReadOnlySpan<int> expected)
    {
        if (value is null || !value.Shape.SequenceEqual(expected))
        {
            ThrowBufferShape(layer, buffer, value, expected.ToArray());
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBufferShape(string layer, string buffer, Tensor? value, int[] expected) =>
        throw new ArgumentException(
            value is null
                ? $"{layer}: the tensor field '{buffer}' the forward reads is null; it must hold a tensor of shape {Tensor.FormatShape(expected)}."
                : $"{layer}: the tensor field '{buffer}' the forward reads must have shape {Tensor.FormatShape(expected)} but holds a tensor of shape {Tensor.FormatShape(value.Shape)}.",
            buffer);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MinimumLength(string layer, string buffer, int actual, int minimum)
    {
        if (actual < minimum)
        {
            ThrowMinimumLength(layer, buffer, actual, minimum);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMinimumLength(string layer, string buffer, int actual, int minimum) =>
        throw new ArgumentException($"{layer}: '{buffer}' has {actual} elements but at least {minimum} are needed (see SavedLength).", buffer);
}
