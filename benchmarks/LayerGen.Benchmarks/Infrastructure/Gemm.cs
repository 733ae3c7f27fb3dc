using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static LayerGen.Benchmarks.Infrastructure.Simd;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// What a tile does to its result before storing it: a type argument (a struct), so each use gets its own
/// compiled kernel and a run-time choice never leaves the transcendental code in the hot method.
/// </summary>
public interface IEpilogue
{
    static abstract Vector512<float> Apply(Vector512<float> value);
}

/// <summary>Store the result as it is.</summary>
public struct NoEpilogue : IEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> value) => value;
}

/// <summary>max(r, 0).</summary>
public struct ReluEpilogue : IEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> value) => Simd.Relu(value);
}

/// <summary>tanh(r).</summary>
public struct TanhEpilogue : IEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> value) => Simd.Tanh(value);
}

/// <summary>
/// The register-blocked matmul micro-kernel of the hand-written baselines: a 4 × 64 tile of C (4 rows,
/// 4 Vector512 columns, 16 accumulators) from 4 broadcast A elements and 4 B vectors per step of the
/// reduction, 16 FMAs per step. A is addressed by strides, so the same kernel computes A·B (rs = lda,
/// ks = 1) and Aᵀ·B (rs = 1, ks = lda, e.g. a weight gradient Xᵀ·dY).
/// </summary>
public static class Gemm
{
    /// <summary>
    /// C[i, j] (i &lt; 4, j &lt; 64) = epilogue(r) with r = Σ_kk A(i, kk)·B[kk, j] (+ bias[j] when hasBias),
    /// then, when accumulate, r = C[i, j] + alpha·r (e.g. an SGD update with alpha = −lr), else r = alpha·r
    /// (alpha = 1: unchanged). A(i, kk) = a[i·rs + kk·ks]; B[kk, j] = b[kk·ldb + j]; C[i, j] = c[i·ldc + j].
    /// </summary>
    /// <remarks>
    /// Not inlined on purpose: one compiled body per epilogue, whose 16 accumulators stay in registers.
    /// Fully optimised from the first call (no tier-0 / OSR phase, which otherwise lingers for about a
    /// second in a BenchmarkDotNet process and was measured as a bimodal 600 µs / 63 µs in case 6b).
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Tile4x64<TEpilogue>(ref float a, nint rs, nint ks, ref float b, nint ldb, int k, ref float c, nint ldc,
        ref float bias, bool hasBias, bool accumulate, float alpha)
        where TEpilogue : struct, IEpilogue
    {
        Vector512<float> c00;
        Vector512<float> c01;
        Vector512<float> c02;
        Vector512<float> c03;
        Vector512<float> c10;
        Vector512<float> c11;
        Vector512<float> c12;
        Vector512<float> c13;
        Vector512<float> c20;
        Vector512<float> c21;
        Vector512<float> c22;
        Vector512<float> c23;
        Vector512<float> c30;
        Vector512<float> c31;
        Vector512<float> c32;
        Vector512<float> c33;
        if (hasBias)
        {
            var bias0 = Ld(ref bias, 0);
            var bias1 = Ld(ref bias, 16);
            var bias2 = Ld(ref bias, 32);
            var bias3 = Ld(ref bias, 48);
            c00 = bias0;
            c01 = bias1;
            c02 = bias2;
            c03 = bias3;
            c10 = bias0;
            c11 = bias1;
            c12 = bias2;
            c13 = bias3;
            c20 = bias0;
            c21 = bias1;
            c22 = bias2;
            c23 = bias3;
            c30 = bias0;
            c31 = bias1;
            c32 = bias2;
            c33 = bias3;
        }
        else
        {
            c00 = Vector512<float>.Zero;
            c01 = Vector512<float>.Zero;
            c02 = Vector512<float>.Zero;
            c03 = Vector512<float>.Zero;
            c10 = Vector512<float>.Zero;
            c11 = Vector512<float>.Zero;
            c12 = Vector512<float>.Zero;
            c13 = Vector512<float>.Zero;
            c20 = Vector512<float>.Zero;
            c21 = Vector512<float>.Zero;
            c22 = Vector512<float>.Zero;
            c23 = Vector512<float>.Zero;
            c30 = Vector512<float>.Zero;
            c31 = Vector512<float>.Zero;
            c32 = Vector512<float>.Zero;
            c33 = Vector512<float>.Zero;
        }

        ref float ap = ref a;
        ref float bp = ref b;
        nint rs2 = rs + rs, rs3 = rs2 + rs;
        for (int kk = 0; kk < k; kk++)
        {
            var b0 = Ld(ref bp, 0);
            var b1 = Ld(ref bp, 16);
            var b2 = Ld(ref bp, 32);
            var b3 = Ld(ref bp, 48);
            var a0 = Bc(ref ap, 0);
            c00 = Fma(a0, b0, c00);
            c01 = Fma(a0, b1, c01);
            c02 = Fma(a0, b2, c02);
            c03 = Fma(a0, b3, c03);
            var a1 = Bc(ref ap, rs);
            c10 = Fma(a1, b0, c10);
            c11 = Fma(a1, b1, c11);
            c12 = Fma(a1, b2, c12);
            c13 = Fma(a1, b3, c13);
            var a2 = Bc(ref ap, rs2);
            c20 = Fma(a2, b0, c20);
            c21 = Fma(a2, b1, c21);
            c22 = Fma(a2, b2, c22);
            c23 = Fma(a2, b3, c23);
            var a3 = Bc(ref ap, rs3);
            c30 = Fma(a3, b0, c30);
            c31 = Fma(a3, b1, c31);
            c32 = Fma(a3, b2, c32);
            c33 = Fma(a3, b3, c33);
            ap = ref Unsafe.Add(ref ap, ks);
            bp = ref Unsafe.Add(ref bp, ldb);
        }

        var va = Vector512.Create(alpha);
        nint l2 = ldc + ldc, l3 = l2 + ldc;
        Finish<TEpilogue>(c00, ref c, 0, accumulate, va, alpha);
        Finish<TEpilogue>(c01, ref c, 0 + 16, accumulate, va, alpha);
        Finish<TEpilogue>(c02, ref c, 0 + 32, accumulate, va, alpha);
        Finish<TEpilogue>(c03, ref c, 0 + 48, accumulate, va, alpha);
        Finish<TEpilogue>(c10, ref c, ldc, accumulate, va, alpha);
        Finish<TEpilogue>(c11, ref c, ldc + 16, accumulate, va, alpha);
        Finish<TEpilogue>(c12, ref c, ldc + 32, accumulate, va, alpha);
        Finish<TEpilogue>(c13, ref c, ldc + 48, accumulate, va, alpha);
        Finish<TEpilogue>(c20, ref c, l2, accumulate, va, alpha);
        Finish<TEpilogue>(c21, ref c, l2 + 16, accumulate, va, alpha);
        Finish<TEpilogue>(c22, ref c, l2 + 32, accumulate, va, alpha);
        Finish<TEpilogue>(c23, ref c, l2 + 48, accumulate, va, alpha);
        Finish<TEpilogue>(c30, ref c, l3, accumulate, va, alpha);
        Finish<TEpilogue>(c31, ref c, l3 + 16, accumulate, va, alpha);
        Finish<TEpilogue>(c32, ref c, l3 + 32, accumulate, va, alpha);
        Finish<TEpilogue>(c33, ref c, l3 + 48, accumulate, va, alpha);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TEpilogue>(Vector512<float> r, ref float c, nint offset, bool accumulate, Vector512<float> va, float alpha)
        where TEpilogue : struct, IEpilogue
    {
        if (accumulate)
        {
            r = Fma(r, va, Ld(ref c, offset));
        }
        else if (alpha != 1f)
        {
            r *= va;
        }

        St(ref c, offset, TEpilogue.Apply(r));
    }
}
