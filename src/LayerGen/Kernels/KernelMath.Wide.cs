using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

/// <summary>
/// <see cref="Vector512{T}"/> overloads of the kernel helpers, for the generated element-wise loops' wide
/// pass. .NET keeps <see cref="Vector{T}"/> at 256 bits on AVX-512 hardware, so the generated kernels run a
/// <c>Vector512</c> loop first when <see cref="Vector512.IsHardwareAccelerated"/> (the JIT removes it
/// elsewhere), then <see cref="Vector{T}"/> steps, then scalars.
/// </summary>
/// <remarks>
/// Arithmetic, comparisons and selects are native 512-bit operations; exp, tanh and sigmoid are in
/// KernelMath.Transcendental.Wide.cs. <c>Log</c> runs its <see cref="Vector{T}"/> version on each half (or on
/// the whole vector when <see cref="Vector{T}"/> is itself 512 bits), so a lane gets the same value
/// whichever loop computes it.
/// </remarks>
public static partial class KernelMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadWide(ReadOnlySpan<float> span, int index) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadWide(Span<float> span, int index) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Span<float> span, int index, Vector512<float> value) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(span), (nuint)index);

    /// <summary>span[index..] += value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTo(Span<float> span, int index, Vector512<float> value)
    {
        ref float start = ref MemoryMarshal.GetReference(span);
        (Vector512.LoadUnsafe(ref start, (nuint)index) + value).StoreUnsafe(ref start, (nuint)index);
    }

    /// <inheritdoc cref="Relu(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), Vector512<float>.Zero, x);

    /// <inheritdoc cref="ReluGrad(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ReluGrad(Vector512<float> g, Vector512<float> y) =>
        Vector512.ConditionalSelect(Vector512.LessThanOrEqual(y, Vector512<float>.Zero), Vector512<float>.Zero, g);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sqrt(Vector512<float> x) => Vector512.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> x) => Vector512.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sign(Vector512<float> x) =>
        (Vector512.GreaterThan(x, Vector512<float>.Zero) & Vector512<float>.One) - (Vector512.LessThan(x, Vector512<float>.Zero) & Vector512<float>.One);

    /// <inheritdoc cref="Clamp(float, float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Clamp(Vector512<float> x, float min, float max)
    {
        if (float.IsNaN(min) || float.IsNaN(max))
        {
            return Vector512.Create(float.NaN);
        }

        var lo = Vector512.Create(min);
        var hi = Vector512.Create(max);
        var t = Vector512.ConditionalSelect(Vector512.LessThan(x, lo), lo, x);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(t, hi), hi, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> InRange(Vector512<float> x, float min, float max) =>
        Vector512.GreaterThanOrEqual(x, Vector512.Create(min)) & Vector512.LessThanOrEqual(x, Vector512.Create(max)) & Vector512<float>.One;

    /// <inheritdoc cref="Maximum(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Maximum(Vector512<float> a, Vector512<float> b) =>
        Vector512.ConditionalSelect(Vector512.LessThan(a, b) | ~Vector512.Equals(b, b), b, a);

    /// <inheritdoc cref="Minimum(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Minimum(Vector512<float> a, Vector512<float> b) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(a, b) | ~Vector512.Equals(b, b), b, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Greater(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b) & Vector512<float>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Less(Vector512<float> a, Vector512<float> b) => Vector512.LessThan(a, b) & Vector512<float>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GreaterEqual(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThanOrEqual(a, b) & Vector512<float>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LessEqual(Vector512<float> a, Vector512<float> b) => Vector512.LessThanOrEqual(a, b) & Vector512<float>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Equal(Vector512<float> a, Vector512<float> b) => Vector512.Equals(a, b) & Vector512<float>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Where(Vector512<float> mask, Vector512<float> a, Vector512<float> b) =>
        Vector512.ConditionalSelect(Vector512.Equals(mask, Vector512<float>.Zero), b, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> Log(Vector512<float> x) => Vector<float>.Count switch
    {
        16 => Log(x.AsVector()).AsVector512(),
        8 => Vector512.Create(Log(x.GetLower().AsVector()).AsVector256(), Log(x.GetUpper().AsVector()).AsVector256()),
        _ => PerLane(x, &Log),
    };

    /// <summary>x^p per lane, as <see cref="Pow(Vector{float}, float)"/>.</summary>
    public static Vector512<float> Pow(Vector512<float> x, float exponent)
    {
        if (exponent == 2f)
        {
            return x * x;
        }

        if (exponent == 1f)
        {
            return x;
        }

        Span<float> lanes = stackalloc float[Vector512<float>.Count];
        x.StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = Pow(lanes[i], exponent);
        }

        return Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(lanes));
    }

    /// <summary>
    /// <paramref name="f"/> on each lane: for <see cref="Vector{T}"/> sizes other than 256 or 512 bits, where
    /// the generated kernels never take the wide path (<see cref="Vector512.IsHardwareAccelerated"/> is false).
    /// </summary>
    private static unsafe Vector512<float> PerLane(Vector512<float> x, delegate*<float, float> f)
    {
        Span<float> lanes = stackalloc float[Vector512<float>.Count];
        x.StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = f(lanes[i]);
        }

        return Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(lanes));
    }
}
