using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// Sixteen horizontal sums at once (AVX-512 only): the transpose-and-add network that turns 16 vectors of
// partial dot products into one vector of their 16 totals, instead of 16 separate horizontal sums.
public static unsafe partial class Gemm
{
    /// <summary>
    /// [Σv0, Σv1, …, Σv15]: 15 adds and 30 shuffles in four levels. Level 1 interleaves pairs within each
    /// 128-bit lane and adds (lane = [v0, v1, v0, v1] partial sums), level 2 interleaves 64-bit pairs
    /// (lane = [v0, v1, v2, v3]), levels 3 and 4 add 128-bit lanes across vectors, so lane q of the result
    /// holds the totals of v(4q)…v(4q+3) in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Reduce16(
        Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3,
        Vector512<float> v4, Vector512<float> v5, Vector512<float> v6, Vector512<float> v7,
        Vector512<float> v8, Vector512<float> v9, Vector512<float> v10, Vector512<float> v11,
        Vector512<float> v12, Vector512<float> v13, Vector512<float> v14, Vector512<float> v15)
    {
        Vector512<float> u0 = Quad(v0, v1, v2, v3);
        Vector512<float> u1 = Quad(v4, v5, v6, v7);
        Vector512<float> u2 = Quad(v8, v9, v10, v11);
        Vector512<float> u3 = Quad(v12, v13, v14, v15);
        Vector512<float> s01 = LanePairs(u0, u1);
        Vector512<float> s23 = LanePairs(u2, u3);
        return LanePairs(s01, s23);
    }

    /// <summary>Each 128-bit lane: [Σ of a, b, c, d over that lane's 4 elements].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quad(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        Vector512<double> ab = (Avx512F.UnpackLow(a, b) + Avx512F.UnpackHigh(a, b)).AsDouble();
        Vector512<double> cd = (Avx512F.UnpackLow(c, d) + Avx512F.UnpackHigh(c, d)).AsDouble();
        return Avx512F.UnpackLow(ab, cd).AsSingle() + Avx512F.UnpackHigh(ab, cd).AsSingle();
    }

    /// <summary>[x.L0 + x.L1, x.L2 + x.L3, y.L0 + y.L1, y.L2 + y.L3] in 128-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LanePairs(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle4x128(x, y, 0b10_00_10_00) + Avx512F.Shuffle4x128(x, y, 0b11_01_11_01);
}
