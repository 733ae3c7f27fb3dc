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

    /// <summary>
    /// x &lt; 0 ? 0 : x, as torch.relu: NaN stays NaN and −0 stays −0 (a comparison with NaN is false). The vector
    /// form is the same select, a compare and an and-not; Vector.Max's IEEE maximum would also keep NaN, in five.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => x < 0f ? 0f : x;

    /// <inheritdoc cref="Relu(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Relu(Vector<float> x) =>
        Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), Vector<float>.Zero, x);

    /// <summary>
    /// y ≤ 0 ? 0 : g, the gradient of <see cref="Relu(float)"/> from its output y, as PyTorch's
    /// threshold_backward(g, y, 0): 0 at y = 0, g at y = NaN (where the gradient passes), and 0 where y ≤ 0 even
    /// when g is NaN or ∞ (a select, not g times a mask; also one instruction fewer).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReluGrad(float g, float y) => y <= 0f ? 0f : g;

    /// <inheritdoc cref="ReluGrad(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ReluGrad(Vector<float> g, Vector<float> y) =>
        Vector.ConditionalSelect(Vector.LessThanOrEqual(y, Vector<float>.Zero), Vector<float>.Zero, g);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x) => MathF.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log(Vector<float> x) => Vector.Log(x);
}
