using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LayerGen.Kernels;

// Roots and powers, and the piecewise element-wise functions: abs and sign, clamps, maximum/minimum,
// comparisons and selection (where); also dropout masks and class indices.
// Each has a scalar and a Vector<float> overload of the same name, as in KernelMath.cs.
public static partial class KernelMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sqrt(float x) => MathF.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sqrt(Vector<float> x) => Vector.SquareRoot(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float x) => MathF.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Abs(Vector<float> x) => Vector.Abs(x);

    /// <summary>-1, 0 or 1: the derivative of <see cref="Abs(float)"/> (0 at 0, as torch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sign(float x) => x > 0f ? 1f : x < 0f ? -1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sign(Vector<float> x) =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero)
        - Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Pow(float x, float exponent) => exponent == 2f ? x * x : MathF.Pow(x, exponent);

    /// <summary>x^p per lane: squares and integer powers exactly, otherwise <see cref="MathF.Pow"/> per element.</summary>
    public static Vector<float> Pow(Vector<float> x, float exponent)
    {
        if (exponent == 2f)
        {
            return x * x;
        }

        if (exponent == 1f)
        {
            return x;
        }

        Span<float> lanes = stackalloc float[Vector<float>.Count];
        x.CopyTo(lanes);
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = MathF.Pow(lanes[i], exponent);
        }

        return new Vector<float>(lanes);
    }

    /// <summary>
    /// x limited to [min, max] as torch.clamp: t = x &lt; min ? min : x, then t &gt; max ? max : t. NaN fails both
    /// comparisons and stays NaN; when min &gt; max every element becomes max; a NaN bound makes every element
    /// NaN (the bounds are constants of the generated code, so that test folds away).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Clamp(float x, float min, float max)
    {
        if (float.IsNaN(min) || float.IsNaN(max))
        {
            return float.NaN;
        }

        float t = x < min ? min : x;
        return t > max ? max : t;
    }

    /// <inheritdoc cref="Clamp(float, float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Clamp(Vector<float> x, float min, float max)
    {
        if (float.IsNaN(min) || float.IsNaN(max))
        {
            return new Vector<float>(float.NaN);
        }

        var lo = new Vector<float>(min);
        var hi = new Vector<float>(max);
        var t = Vector.ConditionalSelect(Vector.LessThan(x, lo), lo, x);
        return Vector.ConditionalSelect(Vector.GreaterThan(t, hi), hi, t);
    }

    /// <summary>1 where min ≤ x ≤ max, else 0: the derivative of <see cref="Clamp(float, float, float)"/> (torch passes the gradient at the bounds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float InRange(float x, float min, float max) => x >= min && x <= max ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> InRange(Vector<float> x, float min, float max) =>
        Vector.ConditionalSelect(
            Vector.GreaterThanOrEqual(x, new Vector<float>(min)) & Vector.LessThanOrEqual(x, new Vector<float>(max)),
            Vector<float>.One,
            Vector<float>.Zero);

    /// <summary>
    /// The larger of a and b, NaN if either is NaN (torch.maximum): a &lt; b or b is NaN ? b : a, whose NaN in a
    /// fails the comparison and stays. Vector.Max's IEEE maximum would propagate NaN too, in twice the instructions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Maximum(float a, float b) => a < b || float.IsNaN(b) ? b : a;

    /// <inheritdoc cref="Maximum(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Maximum(Vector<float> a, Vector<float> b) =>
        Vector.ConditionalSelect(Vector.LessThan(a, b) | ~Vector.Equals(b, b), b, a);

    /// <summary>The smaller of a and b, NaN if either is NaN (torch.minimum): a &gt; b or b is NaN ? b : a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Minimum(float a, float b) => a > b || float.IsNaN(b) ? b : a;

    /// <inheritdoc cref="Minimum(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Minimum(Vector<float> a, Vector<float> b) =>
        Vector.ConditionalSelect(Vector.GreaterThan(a, b) | ~Vector.Equals(b, b), b, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Greater(float a, float b) => a > b ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Greater(Vector<float> a, Vector<float> b) => Mask(Vector.GreaterThan(a, b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Less(float a, float b) => a < b ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Less(Vector<float> a, Vector<float> b) => Mask(Vector.LessThan(a, b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GreaterEqual(float a, float b) => a >= b ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> GreaterEqual(Vector<float> a, Vector<float> b) => Mask(Vector.GreaterThanOrEqual(a, b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LessEqual(float a, float b) => a <= b ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LessEqual(Vector<float> a, Vector<float> b) => Mask(Vector.LessThanOrEqual(a, b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Equal(float a, float b) => a == b ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Equal(Vector<float> a, Vector<float> b) => Mask(Vector.Equals(a, b));

    /// <summary>mask != 0 ? a : b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Where(float mask, float a, float b) => mask != 0f ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Where(Vector<float> mask, Vector<float> a, Vector<float> b) =>
        Vector.ConditionalSelect(Vector.Equals(mask, Vector<float>.Zero), b, a);

    /// <summary>
    /// Fills a dropout mask: each element, in order, draws <see cref="RandomSource.NextFloat"/> and is kept
    /// (1/(1 − p)) when the draw is ≥ p, else dropped (0) — the same draws, in the same order, as the eager
    /// <c>Ops.Dropout</c>, so both paths agree under one seed. All ones when not training or p = 0.
    /// </summary>
    public static void DropoutMask(Span<float> mask, float p, bool training)
    {
        if (!training || p == 0f)
        {
            mask.Fill(1f);
            return;
        }

        // The same rounding as the eager Ops.Dropout: computed in double, rounded once.
        float scale = (float)(1.0 / (1.0 - p));
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = RandomSource.NextFloat() >= p ? scale : 0f;
        }
    }

    /// <summary>A class index stored as a float, checked against the number of classes.</summary>
    public static int Index(float value, int count)
    {
        int index = (int)value;
        if (index != value || (uint)index >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"A class index must be a whole number in [0, {count}).");
        }

        return index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Mask(Vector<int> condition) =>
        Vector.ConditionalSelect(condition, Vector<float>.One, Vector<float>.Zero);
}
