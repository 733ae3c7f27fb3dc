using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LayerGen.Kernels;

/// <summary>
/// The element-wise functions and vector loads/stores that generated kernels call. Every function has a
/// scalar and a <see cref="Vector{T}"/> overload with the same name, so one expression serves the
/// vector loop and its scalar tail.
/// </summary>
/// <remarks>
/// Loads and stores do not check bounds: the generated glue checks every span's length once per call
/// (see <see cref="SpanChecks"/>) before any kernel runs.
/// <see cref="Exp(Vector{float})"/>, <see cref="Tanh(Vector{float})"/> and <see cref="Sigmoid(Vector{float})"/>
/// are our own inlined polynomials (KernelMath.Transcendental.cs), whose scalar overloads give bit for bit the
/// same values; <see cref="Log(Vector{float})"/> is .NET's <see cref="Vector.Log(Vector{float})"/> (within a few ulp).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class KernelMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(ReadOnlySpan<float> span, int index) =>
        Vector.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(Span<float> span, int index) =>
        Vector.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)index);

    /// <summary>span[index] without a bounds check (lengths are checked once, before the kernel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Get(ReadOnlySpan<float> span, int index) =>
        Unsafe.Add(ref MemoryMarshal.GetReference(span), (nint)index);

    /// <summary>span[index] without a bounds check (lengths are checked once, before the kernel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Get(Span<float> span, int index) =>
        Unsafe.Add(ref MemoryMarshal.GetReference(span), (nint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Span<float> span, int index, Vector<float> value) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(span), (nuint)index);

    /// <summary>span[index..] += value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTo(Span<float> span, int index, Vector<float> value)
    {
        ref float start = ref MemoryMarshal.GetReference(span);
        (Vector.LoadUnsafe(ref start, (nuint)index) + value).StoreUnsafe(ref start, (nuint)index);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => x > 0f ? x : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Relu(Vector<float> x) => Vector.Max(x, Vector<float>.Zero);

    /// <summary>1 where x &gt; 0, else 0: the derivative of <see cref="Relu(float)"/> (0 at 0, as PyTorch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Step(float x) => x > 0f ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Step(Vector<float> x) =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x) => MathF.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log(Vector<float> x) => Vector.Log(x);
}
