using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LayerGen.Kernels;

// exp, tanh, sigmoid and erf in float, as inlined polynomial code for the generated kernels' vector loops
// and their scalar tails: a few dozen instructions per 8 or 16 lanes. .NET's Vector.Exp is a call that is
// not inlined (a loop of it took ~1.4× the time of this Exp, and tanh built on it ~1.4× this Tanh), and
// MathF.Tanh took ~11 ns per element against ~4 ns for the scalar Tanh here.
//
// The scalar overloads run the same algorithm, operation for operation (MathF.FusedMultiplyAdd for
// Vector.FusedMultiplyAdd, MathF.Round for Vector.Round, ...). Each operation is correctly rounded in
// both forms, so a tail element gets bit for bit the value a vector lane would: a kernel's result does
// not depend on where the vector loop ends. Fused multiply-adds are used rather than "estimates" for the
// same reason (MultiplyAddEstimate may or may not fuse); they assume hardware FMA (x64 with FMA3, which
// every AVX2 processor has, or Arm64) — elsewhere .NET emulates them: correct, but slow.
//
// Accuracy against double precision over every float input: exp 0.89 ulp, tanh 1.37 ulp, sigmoid 2.48 ulp,
// relative error ≤ 1.6e-7 where the result is a normal float; erf 1.10 ulp (docs/ops.md, "Accuracy of the
// transcendental functions"; tests/LayerGen.Tests/Kernels/TranscendentalAccuracyTests.cs and
// ErfAccuracyTests.cs hold them to it).
public static partial class KernelMath
{
    // Range reduction for exp: x = n·ln 2 + r with n = round(x·log2 e), |r| ≤ ~ln 2 / 2. ln 2 is split
    // (Cody–Waite) into Ln2Hi = ln 2 rounded to float and Ln2Lo = ln 2 − Ln2Hi: n·Ln2Hi is exact inside
    // the fused multiply-add, and x − n·Ln2Hi is exact as well (when n ≠ 0, |x| > 1/4, so it is a multiple
    // of 2^-25 below 1/2 in magnitude: it fits in 24 bits); r is then rounded once, by the n·Ln2Lo step.
    private const float Log2E = 1.44269504f;
    private const float Ln2Hi = 0.693147182f;
    private const float Ln2Lo = -1.90465421e-9f;

    // exp's input is clamped to [ExpLowest, ExpHighest] (NaN passes through). Above ln(float.MaxValue)
    // ≈ 88.7228 the result overflows to +∞ by itself in the final scaling, below ln(2^-150) ≈ −103.97 it
    // rounds to 0; the clamp only keeps n within [−150, 128], where 2^n is the product of two normal
    // powers of two 2^k1·2^(n−k1), k1 = ⌊n/2⌋, each built from exponent bits. p·2^k1 is exact (p is near 1),
    // and the second product rounds once: IEEE rounding itself gives +∞ on overflow and the correctly
    // rounded denormal (or 0) on underflow, with no special cases.
    private const float ExpHighest = 89f;
    private const float ExpLowest = -104f;

    // e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln 2 / 2, P of degree 5: the minimax coefficients of Cephes' expf
    // (S. L. Moshier, Cephes Math Library), evaluated by Horner's rule as 1 + r·(1 + r·P(r)).
    private const float ExpP0 = 5.0000001201e-1f;
    private const float ExpP1 = 1.6666665459e-1f;
    private const float ExpP2 = 4.1665795894e-2f;
    private const float ExpP3 = 8.3334519073e-3f;
    private const float ExpP4 = 1.3981999507e-3f;
    private const float ExpP5 = 1.9875691500e-4f;

    // tanh(x) ≈ x + x³·Q(x²) for |x| < TanhSmall, Q of degree 4 (Cephes' tanhf). Below 0.625 the
    // formula through exp, 1 − 2/(e^{2|x|} + 1), loses relative accuracy to cancellation (and gives 0
    // instead of x for tiny x); the polynomial keeps the relative error small down to the denormals.
    private const float TanhSmall = 0.625f;

    // tanh is exactly ±1 in float from |x| ≈ 9.01 on, so its e^{2|x|} may clamp the argument to 20 without
    // changing a result: then n ≤ 29, 2^n is one exponent-bit power of two, and nothing overflows (Exp's
    // two-factor scaling and clamps are not needed).
    private const float TanhExpArgumentLimit = 20f;
    private const float TanhQ0 = -3.33332819422e-1f;
    private const float TanhQ1 = 1.33314422036e-1f;
    private const float TanhQ2 = -5.37397155531e-2f;
    private const float TanhQ3 = 2.06390887954e-2f;
    private const float TanhQ4 = -5.70498872745e-3f;

    // erf(x) = x + x·P(x²) for |x| < ErfSmall (P of degree 5: the relative error stays small down to the
    // denormals, and the sign and −0 come with x), else ±(1 − e^{−a² + R(a)}) with a = |x| (R of degree 6,
    // R(a) = log erfc(a) + a² is smooth and small there, and −a² + R(a) is one fused multiply-add whose
    // product is exact). Above ErfSaturate, erfc(a) < 2^-25 and erf rounds to ±1 (from 3.919206), so a is clamped to it.
    // Weighted minimax fits of erf's relative error (tools/kernelmath/fit_erf.py), rounded to float.
    private const float ErfSmall = 0.875f;
    private const float SqrtHalf = 0.707106781f;
    private const float ErfSaturate = 3.92f;
    private const float ErfP0 = 0.12837915f;
    private const float ErfP1 = -0.3761255f;
    private const float ErfP2 = 0.11282455f;
    private const float ErfP3 = -0.026791466f;
    private const float ErfP4 = 0.0050321864f;
    private const float ErfP5 = -0.00062032795f;
    private const float ErfR0 = -0.00013357472f;
    private const float ErfR1 = -1.1279361f;
    private const float ErfR2 = 0.36326277f;
    private const float ErfR3 = -0.10432751f;
    private const float ErfR4 = 0.02242022f;
    private const float ErfR5 = -0.0030922927f;
    private const float ErfR6 = 0.00020099628f;

    // The IEEE single-precision exponent bias and the position of the exponent field.
    private const int ExponentBias = 127;
    private const int MantissaBits = 23;

    /// <summary>
    /// e^x, within 0.9 ulp. +∞ above ≈ 88.7228 (and for +∞), gradual underflow
    /// through the denormals below ≈ −87.34, exactly 0 below ≈ −103.97 (and for −∞); NaN gives NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        // A comparison with NaN is false, so NaN is kept and propagates through the arithmetic below.
        if (x > ExpHighest)
        {
            x = ExpHighest;
        }

        if (x < ExpLowest)
        {
            x = ExpLowest;
        }

        float n = MathF.Round(x * Log2E);
        float p = ExpOfRemainder(x, n);

        // n is a whole number in [−150, 128] (or NaN, when p is NaN too and the scale does not matter);
        // e^x = p·2^k1·2^(n−k1), see ExpLowest.
        int k = (int)n;
        int k1 = k >> 1;
        return p * PowerOfTwo(k1) * PowerOfTwo(k - k1);
    }

    /// <inheritdoc cref="Exp(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        // Select, not Vector.Min/Max: a comparison with NaN is false, so NaN lanes are kept (and it is
        // cheaper than the IEEE min/max, which need fix-ups for NaN and signed zeros).
        x = Vector.ConditionalSelect(Vector.GreaterThan(x, new Vector<float>(ExpHighest)), new Vector<float>(ExpHighest), x);
        x = Vector.ConditionalSelect(Vector.LessThan(x, new Vector<float>(ExpLowest)), new Vector<float>(ExpLowest), x);

        var n = Vector.Round(x * new Vector<float>(Log2E));
        var p = ExpOfRemainder(x, n);

        // n is whole and in range, so the platform's own conversion (no saturation fix-ups) is exact;
        // e^x = p·2^k1·2^(n−k1), see ExpLowest.
        var k = Vector.ConvertToInt32Native(n);
        var k1 = Vector.ShiftRightArithmetic(k, 1);
        return p * PowerOfTwo(k1) * PowerOfTwo(k - k1);
    }

    /// <summary>
    /// tanh(x), within 1.4 ulp (so also in relative terms near 0). Odd: tanh(−x) = −tanh(x), and
    /// tanh(−0) = −0. Exactly ±1 for |x| ≥ ≈ 9.01 (and for ±∞); NaN gives NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        float a = MathF.Abs(x);
        float z = a * a;
        float q = MathF.FusedMultiplyAdd(TanhQ4, z, TanhQ3);
        q = MathF.FusedMultiplyAdd(q, z, TanhQ2);
        q = MathF.FusedMultiplyAdd(q, z, TanhQ1);
        q = MathF.FusedMultiplyAdd(q, z, TanhQ0);
        float small = MathF.FusedMultiplyAdd(a * z, q, a);

        // 2/(e^{2|x|} + 1) falls below half an ulp of 1 for |x| ≥ ≈ 9.01, so large |x| saturate to exactly 1.
        float u = MathF.Min(a + a, TanhExpArgumentLimit);
        float n = MathF.Round(u * Log2E);
        float large = 1f - 2f / ((ExpOfRemainder(u, n) * PowerOfTwo((int)n)) + 1f);

        // NaN fails the comparison and takes the polynomial, which is NaN.
        return MathF.CopySign(a >= TanhSmall ? large : small, x);
    }

    /// <inheritdoc cref="Tanh(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> x)
    {
        var a = Vector.Abs(x);
        var z = a * a;
        var q = Vector.FusedMultiplyAdd(new Vector<float>(TanhQ4), z, new Vector<float>(TanhQ3));
        q = Vector.FusedMultiplyAdd(q, z, new Vector<float>(TanhQ2));
        q = Vector.FusedMultiplyAdd(q, z, new Vector<float>(TanhQ1));
        q = Vector.FusedMultiplyAdd(q, z, new Vector<float>(TanhQ0));
        var small = Vector.FusedMultiplyAdd(a * z, q, a);

        // MinNative: whatever it gives a NaN lane is discarded below.
        var u = Vector.MinNative(a + a, new Vector<float>(TanhExpArgumentLimit));
        var n = Vector.Round(u * new Vector<float>(Log2E));
        var e = ExpOfRemainder(u, n) * PowerOfTwo(Vector.ConvertToInt32Native(n));
        var large = Vector<float>.One - new Vector<float>(2f) / (e + Vector<float>.One);

        // Both halves are computed for every lane and one is kept; the result takes x's sign. NaN fails
        // the comparison and takes the polynomial, which is NaN.
        var t = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(a, new Vector<float>(TanhSmall)), large, small);
        return Vector.CopySign(t, x);
    }

    /// <summary>
    /// 1/(1 + e^−x), within 2.5 ulp while e^−x is finite. Exactly 1 for x ≥ ≈ 16.64 and 0 for x ≤ ≈ −88.72
    /// (where e^−x overflows; the exact value is a denormal below 3e-39 there), ±∞ give 1 and 0, NaN gives NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + Exp(-x));

    /// <inheritdoc cref="Sigmoid(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Exp(-x));

    /// <summary>
    /// erf(x) = 2/√π ∫₀ˣ e^{−t²} dt, within 1.1 ulp (so also in relative terms near 0). Odd: erf(−x) = −erf(x) bit for bit, and
    /// erf(−0) = −0. Exactly ±1 for |x| ≥ 3.919926 (the exact erf rounds to ±1 from 3.919206) and for ±∞;
    /// NaN gives NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Erf(float x)
    {
        float a = MathF.Abs(x);
        float s = a * a;
        float p = MathF.FusedMultiplyAdd(ErfP5, s, ErfP4);
        p = MathF.FusedMultiplyAdd(p, s, ErfP3);
        p = MathF.FusedMultiplyAdd(p, s, ErfP2);
        p = MathF.FusedMultiplyAdd(p, s, ErfP1);
        p = MathF.FusedMultiplyAdd(p, s, ErfP0);
        float small = MathF.FusedMultiplyAdd(x, p, x);

        // A comparison with NaN is false, so a NaN a is kept and makes the result NaN.
        float u = a > ErfSaturate ? ErfSaturate : a;
        float r = MathF.FusedMultiplyAdd(ErfR6, u, ErfR5);
        r = MathF.FusedMultiplyAdd(r, u, ErfR4);
        r = MathF.FusedMultiplyAdd(r, u, ErfR3);
        r = MathF.FusedMultiplyAdd(r, u, ErfR2);
        r = MathF.FusedMultiplyAdd(r, u, ErfR1);
        r = MathF.FusedMultiplyAdd(r, u, ErfR0);

        // q = log erfc(u) in [−17.4, −1.5]: 2^n is one exponent-bit power of two and nothing under- or overflows.
        float q = MathF.FusedMultiplyAdd(-u, u, r);
        float n = MathF.Round(q * Log2E);
        float large = 1f - (ExpOfRemainder(q, n) * PowerOfTwo((int)n));

        // NaN fails the comparison and takes the second form, which is NaN.
        return a < ErfSmall ? small : MathF.CopySign(large, x);
    }

    /// <inheritdoc cref="Erf(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Erf(Vector<float> x)
    {
        var a = Vector.Abs(x);
        var s = a * a;
        var p = Vector.FusedMultiplyAdd(new Vector<float>(ErfP5), s, new Vector<float>(ErfP4));
        p = Vector.FusedMultiplyAdd(p, s, new Vector<float>(ErfP3));
        p = Vector.FusedMultiplyAdd(p, s, new Vector<float>(ErfP2));
        p = Vector.FusedMultiplyAdd(p, s, new Vector<float>(ErfP1));
        p = Vector.FusedMultiplyAdd(p, s, new Vector<float>(ErfP0));
        var small = Vector.FusedMultiplyAdd(x, p, x);

        // Select, not MinNative: a NaN lane must stay NaN, since it takes this form below.
        var u = Vector.ConditionalSelect(Vector.GreaterThan(a, new Vector<float>(ErfSaturate)), new Vector<float>(ErfSaturate), a);
        var r = Vector.FusedMultiplyAdd(new Vector<float>(ErfR6), u, new Vector<float>(ErfR5));
        r = Vector.FusedMultiplyAdd(r, u, new Vector<float>(ErfR4));
        r = Vector.FusedMultiplyAdd(r, u, new Vector<float>(ErfR3));
        r = Vector.FusedMultiplyAdd(r, u, new Vector<float>(ErfR2));
        r = Vector.FusedMultiplyAdd(r, u, new Vector<float>(ErfR1));
        r = Vector.FusedMultiplyAdd(r, u, new Vector<float>(ErfR0));

        var q = Vector.FusedMultiplyAdd(-u, u, r);
        var n = Vector.Round(q * new Vector<float>(Log2E));
        var large = Vector<float>.One - (ExpOfRemainder(q, n) * PowerOfTwo(Vector.ConvertToInt32Native(n)));
        return Vector.ConditionalSelect(Vector.LessThan(a, new Vector<float>(ErfSmall)), small, Vector.CopySign(large, x));
    }

    /// <summary>
    /// The exact GELU, x·0.5·(1 + erf(x·(1/√2))) in that order, as torch's float kernel writes it: within 1.8 ulp for
    /// x ≥ 0 and 2.9 ulp on [−1, 0); below, 1 + erf(x/√2) cancels (in torch's kernel too) and the error is an
    /// absolute one, at most |x|·5e-8. +∞ gives +∞, −∞ and NaN give NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gelu(float x) => x * 0.5f * (1f + Erf(x * SqrtHalf));

    /// <inheritdoc cref="Gelu(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Gelu(Vector<float> x) =>
        x * new Vector<float>(0.5f) * (Vector<float>.One + Erf(x * new Vector<float>(SqrtHalf)));

    /// <summary>
    /// e^r for the remainder r = x − n·ln 2 of the range reduction (n = round(x·log₂e), whole), so that
    /// e^x = result·2^n. Accurate for |r| up to a little over ln 2 / 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ExpOfRemainder(float x, float n)
    {
        float r = MathF.FusedMultiplyAdd(n, -Ln2Hi, x);
        r = MathF.FusedMultiplyAdd(n, -Ln2Lo, r);
        float p = MathF.FusedMultiplyAdd(ExpP5, r, ExpP4);
        p = MathF.FusedMultiplyAdd(p, r, ExpP3);
        p = MathF.FusedMultiplyAdd(p, r, ExpP2);
        p = MathF.FusedMultiplyAdd(p, r, ExpP1);
        p = MathF.FusedMultiplyAdd(p, r, ExpP0);
        p = MathF.FusedMultiplyAdd(p, r, 1f);
        return MathF.FusedMultiplyAdd(p, r, 1f);
    }

    /// <inheritdoc cref="ExpOfRemainder(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpOfRemainder(Vector<float> x, Vector<float> n)
    {
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2Hi), x);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2Lo), r);
        var p = Vector.FusedMultiplyAdd(new Vector<float>(ExpP5), r, new Vector<float>(ExpP4));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(ExpP3));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(ExpP2));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(ExpP1));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(ExpP0));
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        return Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
    }

    /// <summary>2^k for k in [−126, 127], from the exponent bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float PowerOfTwo(int k) => BitConverter.Int32BitsToSingle((k + ExponentBias) << MantissaBits);

    /// <inheritdoc cref="PowerOfTwo(int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> PowerOfTwo(Vector<int> k) =>
        Vector.AsVectorSingle(Vector.ShiftLeft(k + new Vector<int>(ExponentBias), MantissaBits));
}
