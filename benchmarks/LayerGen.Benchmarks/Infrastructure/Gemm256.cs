using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static LayerGen.Benchmarks.Infrastructure.Simd256;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>What an AVX2 tile does to its result before storing it (the Vector256 form of <see cref="IEpilogue"/>).</summary>
public interface IEpilogue256
{
    static abstract Vector256<float> Apply(Vector256<float> value);
}

/// <summary>Store the result as it is.</summary>
public struct NoEpilogue256 : IEpilogue256
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> value) => value;
}

/// <summary>max(r, 0).</summary>
public struct ReluEpilogue256 : IEpilogue256
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> value) => Simd256.Relu(value);
}

/// <summary>Tile heights: a type argument whose size is the number of rows, so the unused rows fold away at JIT time.</summary>
[StructLayout(LayoutKind.Sequential, Size = 1)]
public struct R1 { }

[StructLayout(LayoutKind.Sequential, Size = 2)]
public struct R2 { }

[StructLayout(LayoutKind.Sequential, Size = 3)]
public struct R3 { }

[StructLayout(LayoutKind.Sequential, Size = 4)]
public struct R4 { }

[StructLayout(LayoutKind.Sequential, Size = 5)]
public struct R5 { }

[StructLayout(LayoutKind.Sequential, Size = 6)]
public struct R6 { }

/// <summary>
/// The register-blocked matmul micro-kernel of the AVX2 hand-written baselines: a tile of up to 6 rows ×
/// 16 columns of C (2 Vector256 per row, 12 accumulators) from up to 6 broadcast elements of A and 2 vectors
/// of B per step of the reduction — the shape of BLIS's Haswell/Zen kernel, which fits the 16 ymm registers
/// (12 accumulators, 2 B vectors, 1 broadcast) and keeps 12 independent FMA chains, more than the 8 that
/// two FMA pipes of latency 4 need. A is addressed by strides (A·B with rs = lda, ks = 1; Aᵀ·B with rs = 1,
/// ks = lda), B by its row stride, so a weight stored as 16-column panels (ldb = 16) is read contiguously.
/// </summary>
public static class Gemm256
{
    /// <summary>
    /// C[i, j] (i &lt; R = Unsafe.SizeOf&lt;TR&gt;(), j &lt; 16) = epilogue(r), r = Σ_kk A(i, kk)·B[kk, j] (+ bias[j] when
    /// hasBias), then, when accumulate, r = C[i, j] + alpha·r (e.g. an SGD update with alpha = −lr), else
    /// r = alpha·r. A(i, kk) = a[i·rs + kk·ks]; B[kk, j] = b[kk·ldb + j]; C[i, j] = c[i·ldc + j].
    /// </summary>
    /// <remarks>Not inlined (its accumulators stay in registers), fully optimised from the first call, as <see cref="Gemm.Tile4x64{TEpilogue}"/>.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Tile<TR, TEpilogue>(ref float a, nint rs, nint ks, ref float b, nint ldb, int k, ref float c, nint ldc,
        ref float bias, bool hasBias, bool accumulate, float alpha)
        where TR : struct
        where TEpilogue : struct, IEpilogue256
    {
        Vector256<float> c00, c01, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (hasBias)
        {
            c00 = Ld(ref bias, 0);
            c01 = Ld(ref bias, W);
            if (Unsafe.SizeOf<TR>() > 1) { c10 = c00; c11 = c01; }
            if (Unsafe.SizeOf<TR>() > 2) { c20 = c00; c21 = c01; }
            if (Unsafe.SizeOf<TR>() > 3) { c30 = c00; c31 = c01; }
            if (Unsafe.SizeOf<TR>() > 4) { c40 = c00; c41 = c01; }
            if (Unsafe.SizeOf<TR>() > 5) { c50 = c00; c51 = c01; }
        }
        else
        {
            c00 = Vector256<float>.Zero;
            c01 = Vector256<float>.Zero;
        }

        ref float ap = ref a;
        ref float bp = ref b;
        nint rs2 = rs + rs, rs3 = rs2 + rs, rs4 = rs3 + rs, rs5 = rs4 + rs;
        for (int kk = 0; kk < k; kk++)
        {
            var b0 = Ld(ref bp, 0);
            var b1 = Ld(ref bp, W);
            var a0 = Bc(ref ap, 0);
            c00 = Fma(a0, b0, c00);
            c01 = Fma(a0, b1, c01);
            if (Unsafe.SizeOf<TR>() > 1)
            {
                var a1 = Bc(ref ap, rs);
                c10 = Fma(a1, b0, c10);
                c11 = Fma(a1, b1, c11);
            }

            if (Unsafe.SizeOf<TR>() > 2)
            {
                var a2 = Bc(ref ap, rs2);
                c20 = Fma(a2, b0, c20);
                c21 = Fma(a2, b1, c21);
            }

            if (Unsafe.SizeOf<TR>() > 3)
            {
                var a3 = Bc(ref ap, rs3);
                c30 = Fma(a3, b0, c30);
                c31 = Fma(a3, b1, c31);
            }

            if (Unsafe.SizeOf<TR>() > 4)
            {
                var a4 = Bc(ref ap, rs4);
                c40 = Fma(a4, b0, c40);
                c41 = Fma(a4, b1, c41);
            }

            if (Unsafe.SizeOf<TR>() > 5)
            {
                var a5 = Bc(ref ap, rs5);
                c50 = Fma(a5, b0, c50);
                c51 = Fma(a5, b1, c51);
            }

            ap = ref Unsafe.Add(ref ap, ks);
            bp = ref Unsafe.Add(ref bp, ldb);
        }

        var va = Vector256.Create(alpha);
        Finish<TEpilogue>(c00, ref c, 0, accumulate, va, alpha);
        Finish<TEpilogue>(c01, ref c, W, accumulate, va, alpha);
        if (Unsafe.SizeOf<TR>() > 1)
        {
            Finish<TEpilogue>(c10, ref c, ldc, accumulate, va, alpha);
            Finish<TEpilogue>(c11, ref c, ldc + W, accumulate, va, alpha);
        }

        if (Unsafe.SizeOf<TR>() > 2)
        {
            Finish<TEpilogue>(c20, ref c, 2 * ldc, accumulate, va, alpha);
            Finish<TEpilogue>(c21, ref c, 2 * ldc + W, accumulate, va, alpha);
        }

        if (Unsafe.SizeOf<TR>() > 3)
        {
            Finish<TEpilogue>(c30, ref c, 3 * ldc, accumulate, va, alpha);
            Finish<TEpilogue>(c31, ref c, 3 * ldc + W, accumulate, va, alpha);
        }

        if (Unsafe.SizeOf<TR>() > 4)
        {
            Finish<TEpilogue>(c40, ref c, 4 * ldc, accumulate, va, alpha);
            Finish<TEpilogue>(c41, ref c, 4 * ldc + W, accumulate, va, alpha);
        }

        if (Unsafe.SizeOf<TR>() > 5)
        {
            Finish<TEpilogue>(c50, ref c, 5 * ldc, accumulate, va, alpha);
            Finish<TEpilogue>(c51, ref c, 5 * ldc + W, accumulate, va, alpha);
        }
    }

    /// <summary>
    /// One column of tiles, 16 columns wide, down <paramref name="m"/> rows: 6-row tiles, then the rest as
    /// one shorter tile — except that with m mod 6 = 2 (m ≥ 8) the last 8 rows go as two 4-row tiles (8 FMA
    /// chains each) rather than 6 + 2 (a 2-row tile has only 4 chains: latency-bound). A(i, ·) of row i
    /// starts at a + i·rs; C's row i at c + i·ldc. Same arguments as <see cref="Tile{TR, TEpilogue}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Rows<TEpilogue>(int m, ref float a, nint rs, nint ks, ref float b, nint ldb, int k, ref float c, nint ldc,
        ref float bias, bool hasBias, bool accumulate, float alpha)
        where TEpilogue : struct, IEpilogue256
    {
        int sixes = m % 6 == 2 && m >= 8 ? (m - 8) / 6 : m / 6;
        nint i = 0;
        for (int t = 0; t < sixes; t++, i += 6)
        {
            Tile<R6, TEpilogue>(ref Unsafe.Add(ref a, i * rs), rs, ks, ref b, ldb, k, ref Unsafe.Add(ref c, i * ldc), ldc, ref bias, hasBias, accumulate, alpha);
        }

        ref float ar = ref Unsafe.Add(ref a, i * rs);
        ref float cr = ref Unsafe.Add(ref c, i * ldc);
        switch (m - (int)i)
        {
            case 1: Tile<R1, TEpilogue>(ref ar, rs, ks, ref b, ldb, k, ref cr, ldc, ref bias, hasBias, accumulate, alpha); break;
            case 2: Tile<R2, TEpilogue>(ref ar, rs, ks, ref b, ldb, k, ref cr, ldc, ref bias, hasBias, accumulate, alpha); break;
            case 3: Tile<R3, TEpilogue>(ref ar, rs, ks, ref b, ldb, k, ref cr, ldc, ref bias, hasBias, accumulate, alpha); break;
            case 4: Tile<R4, TEpilogue>(ref ar, rs, ks, ref b, ldb, k, ref cr, ldc, ref bias, hasBias, accumulate, alpha); break;
            case 5: Tile<R5, TEpilogue>(ref ar, rs, ks, ref b, ldb, k, ref cr, ldc, ref bias, hasBias, accumulate, alpha); break;
            case 8:
                Tile<R4, TEpilogue>(ref ar, rs, ks, ref b, ldb, k, ref cr, ldc, ref bias, hasBias, accumulate, alpha);
                Tile<R4, TEpilogue>(ref Unsafe.Add(ref ar, 4 * rs), rs, ks, ref b, ldb, k, ref Unsafe.Add(ref cr, 4 * ldc), ldc, ref bias, hasBias, accumulate, alpha);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TEpilogue>(Vector256<float> r, ref float c, nint offset, bool accumulate, Vector256<float> va, float alpha)
        where TEpilogue : struct, IEpilogue256
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
