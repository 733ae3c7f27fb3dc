using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>Vector512 helpers for the hand-written kernels: unchecked loads/stores, FMA, tanh, pair permutes.</summary>
public static class Simd
{
    public const int W = 16; // floats per Vector512

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Ld(ref float b, nint i) => Vector512.LoadUnsafe(ref b, (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void St(ref float b, nint i, Vector512<float> v) => v.StoreUnsafe(ref b, (nuint)i);

    /// <summary>Broadcast of one float from memory (vbroadcastss zmm, m32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Bc(ref float b, nint i) => Vector512.Create(Unsafe.Add(ref b, i));

    /// <summary>a·b + c, one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    /// <summary>Lanes 0..7 = lanes 0..7 of a, lanes 8..15 = lanes 0..7 of b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Lows(Vector512<float> a, Vector512<float> b) => Vector512.Create(a.GetLower(), b.GetLower());

    /// <summary>Lanes 0..7 = lanes 8..15 of a, lanes 8..15 = lanes 8..15 of b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Highs(Vector512<float> a, Vector512<float> b) => Vector512.Create(a.GetUpper(), b.GetUpper());

    /// <summary>Both halves = a's lower half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> DupLow(Vector512<float> a) => Vector512.Create(a.GetLower(), a.GetLower());

    /// <summary>Both halves = a's upper half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> DupHigh(Vector512<float> a) => Vector512.Create(a.GetUpper(), a.GetUpper());

    /// <summary>Lanes 0..7 = x[2p], lanes 8..15 = x[2p+1] (for a pair of rows of an [.., 8] matrix: 16 contiguous floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Pair(Vector512<float> x, Vector512<int> index) => Avx512F.PermuteVar16x32(x, index);

    /// <summary>The permute index for <see cref="Pair"/> with p = 0: [0 ×8, 1 ×8]; add 2 for each next pair.</summary>
    public static Vector512<int> PairIndex0 => Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);

    /// <summary>Lanes below <paramref name="n"/> all ones, the rest zero.</summary>
    public static Vector512<float> FirstLanes(int n) =>
        Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(n)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);

    /// <summary>
    /// e^x in float, Cephes' expf: n = round(x·log2 e), r = x − n·ln 2 (in two parts), a degree-6
    /// polynomial, then ·2^n with vscalefps; x clamped to [−87.3, 88.7] (no overflow, no denormals).
    /// About 1 ulp. Inlined, unlike .NET's Vector512.Exp(float), which is a call that widens to double
    /// and whose tier-0 / tier-1 versions made the hand-written tanh layers' time vary by 1.5× between runs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-87.3f)), Vector512.Create(88.7f));
        var n = Vector512.Round(x * Vector512.Create(1.44269504088896341f));
        var r = Fma(n, Vector512.Create(-0.693359375f), x);
        r = Fma(n, Vector512.Create(2.12194440e-4f), r);
        var p = Fma(Vector512.Create(1.9875691500e-4f), r, Vector512.Create(1.3981999507e-3f));
        p = Fma(p, r, Vector512.Create(8.3334519073e-3f));
        p = Fma(p, r, Vector512.Create(4.1665795894e-2f));
        p = Fma(p, r, Vector512.Create(1.6666665459e-1f));
        p = Fma(p, r, Vector512.Create(5.0000001201e-1f));
        p = Fma(p, r * r, r + Vector512<float>.One);
        return Avx512F.Scale(p, n);
    }

    /// <summary>
    /// tanh, Cephes' tanhf: x + x³·P(x²) for |x| &lt; 0.625, else 1 − 2/(e^{2|x|} + 1) with the sign of x
    /// (<see cref="Exp"/>; for large |x| the quotient vanishes and the result is exactly ±1). Within ~2 ulp of MathF.Tanh.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var a = Vector512.Abs(x);
        var z = x * x;
        var p = Fma(Vector512.Create(-5.70498872745e-3f), z, Vector512.Create(2.06390887954e-2f));
        p = Fma(p, z, Vector512.Create(-5.37397155531e-2f));
        p = Fma(p, z, Vector512.Create(1.33314422036e-1f));
        p = Fma(p, z, Vector512.Create(-3.33332819422e-1f));
        var small = Fma(p * z, x, x);
        var e = Exp(a + a);
        var large = Vector512<float>.One - Vector512.Create(2f) / (e + Vector512<float>.One);
        large = Vector512.CopySign(large, x);
        return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(0.625f)), small, large);
    }
}
