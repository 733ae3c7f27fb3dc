using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// Vector256 helpers for the AVX2 hand-written kernels (the counterpart of <see cref="Simd"/>): unchecked
/// loads/stores, broadcasts, FMA, exp and tanh. Only cross-platform <see cref="Vector256"/> operations, so
/// the kernels also run (slowly, in software) where Vector256 is not accelerated.
/// </summary>
public static class Simd256
{
    public const int W = 8; // floats per Vector256

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Ld(ref float b, nint i) => Vector256.LoadUnsafe(ref b, (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void St(ref float b, nint i, Vector256<float> v) => v.StoreUnsafe(ref b, (nuint)i);

    /// <summary>Broadcast of one float from memory (vbroadcastss ymm, m32: a load, no shuffle).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Bc(ref float b, nint i) => Vector256.Create(Unsafe.Add(ref b, i));

    /// <summary>a·b + c, one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);

    /// <summary>Lanes below <paramref name="n"/> all ones, the rest zero.</summary>
    public static Vector256<float> FirstLanes(int n) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(n)).AsSingle();

    /// <summary>
    /// e^x in float, the same Cephes expf as <see cref="Simd.Exp"/> (x clamped to [−87.3, 88.7], n = round(x·log2 e),
    /// r = x − n·ln 2 in two parts, degree-6 polynomial), with ·2^n done on the exponent bits (AVX2 has no
    /// vscalefps) in two factors 2^⌊n/2⌋·2^(n − ⌊n/2⌋), so n = 128 (x near 88.7) does not overflow the factor.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.3f)), Vector256.Create(88.7f));
        var n = Vector256.Round(x * Vector256.Create(1.44269504088896341f));
        var r = Fma(n, Vector256.Create(-0.693359375f), x);
        r = Fma(n, Vector256.Create(2.12194440e-4f), r);
        var p = Fma(Vector256.Create(1.9875691500e-4f), r, Vector256.Create(1.3981999507e-3f));
        p = Fma(p, r, Vector256.Create(8.3334519073e-3f));
        p = Fma(p, r, Vector256.Create(4.1665795894e-2f));
        p = Fma(p, r, Vector256.Create(1.6666665459e-1f));
        p = Fma(p, r, Vector256.Create(5.0000001201e-1f));
        p = Fma(p, r * r, r + Vector256<float>.One);
        var k = Vector256.ConvertToInt32Native(n); // n is integral and within ±128
        var k1 = Vector256.ShiftRightArithmetic(k, 1);
        var bias = Vector256.Create(127);
        var s1 = Vector256.ShiftLeft(k1 + bias, 23).AsSingle();
        var s2 = Vector256.ShiftLeft(k - k1 + bias, 23).AsSingle();
        return p * s1 * s2;
    }

    /// <summary>tanh, Cephes' tanhf, as <see cref="Simd.Tanh"/> (within ~2 ulp of MathF.Tanh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var a = Vector256.Abs(x);
        var z = x * x;
        var p = Fma(Vector256.Create(-5.70498872745e-3f), z, Vector256.Create(2.06390887954e-2f));
        p = Fma(p, z, Vector256.Create(-5.37397155531e-2f));
        p = Fma(p, z, Vector256.Create(1.33314422036e-1f));
        p = Fma(p, z, Vector256.Create(-3.33332819422e-1f));
        var small = Fma(p * z, x, x);
        var e = Exp(a + a);
        var large = Vector256<float>.One - Vector256.Create(2f) / (e + Vector256<float>.One);
        large = Vector256.CopySign(large, x);
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(0.625f)), small, large);
    }
}
