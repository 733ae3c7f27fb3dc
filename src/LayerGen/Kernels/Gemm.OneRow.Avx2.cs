using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// One row of A (a batch of one) on 256-bit vectors, where the AVX-512 paths (Gemm.Gemv.cs, Gemm.VecMat.cs) do not
// run: Linear's forward x·Wᵀ and its input gradient dY·W for a single example. The tiled kernels handle one row as
// a remainder of their row tiles (1×64×64 took 0.29 µs for x·Wᵀ and 0.37 for dY·W on a Zen 4 with AVX-512 off,
// against 0.14 and 0.16 on the AVX-512 paths).
public static unsafe partial class Gemm
{
    /// <summary>
    /// c (+)= a·Bᵀ for one row a of length k ≥ 8 and B N×K row-major: 8 rows of B at a time in 8 accumulators along
    /// k, reduced together by one horizontal-add network into 8 consecutive outputs; k mod 8 and n mod 8 one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneRowTimesBTransposedAvx2(int n, int k, float* a, float* b, float* c, bool accumulate)
    {
        const int W = 8;
        nint kk = k, whole = kk - (kk % W);
        nint j = 0;
        for (; j + W <= n; j += W)
        {
            float* b0 = b + (j * kk);
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (nint p = 0; p < whole; p += W)
            {
                Vector256<float> x = Avx.LoadVector256(a + p);
                float* bp = b0 + p;
                s0 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp), s0);
                s1 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + kk), s1);
                s2 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + (2 * kk)), s2);
                s3 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + (3 * kk)), s3);
                s4 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + (4 * kk)), s4);
                s5 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + (5 * kk)), s5);
                s6 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + (6 * kk)), s6);
                s7 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + (7 * kk)), s7);
            }

            // Pairwise horizontal adds: h0123's low half holds rows 0–3's sums of lanes 0–3, its high half of lanes 4–7.
            Vector256<float> h0123 = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
            Vector256<float> h4567 = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));
            Vector256<float> sums = Avx.Permute2x128(h0123, h4567, 0x20) + Avx.Permute2x128(h0123, h4567, 0x31);
            if (whole < kk)
            {
                sums += KTail(a, b0, kk, whole);
            }

            float* cj = c + j;
            (accumulate ? Avx.LoadVector256(cj) + sums : sums).Store(cj);
        }

        for (; j < n; j++)
        {
            float* bj = b + (j * kk);
            Vector256<float> s = default;
            for (nint p = 0; p < whole; p += W)
            {
                s = Fma.MultiplyAdd(Avx.LoadVector256(a + p), Avx.LoadVector256(bj + p), s);
            }

            float sum = Vector256.Sum(s);
            for (nint p = whole; p < kk; p++)
            {
                sum = MathF.FusedMultiplyAdd(a[p], bj[p], sum);
            }

            c[j] = accumulate ? c[j] + sum : sum;
        }
    }

    /// <summary>The last k mod 8 terms of 8 consecutive rows' dot products, one by one.</summary>
    private static Vector256<float> KTail(float* a, float* b0, nint kk, nint whole)
    {
        Span<float> tails = stackalloc float[8];
        for (int r = 0; r < 8; r++)
        {
            float* br = b0 + (r * kk);
            float sum = 0f;
            for (nint p = whole; p < kk; p++)
            {
                sum = MathF.FusedMultiplyAdd(a[p], br[p], sum);
            }

            tails[r] = sum;
        }

        return Vector256.Create<float>(tails);
    }

    /// <summary>
    /// c (+)= a·B for one row a of length k and B K×N row-major, n ≥ 8: 4 vectors of c at a time in 4 accumulators
    /// along k (then single vectors), the last n mod 8 columns one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneRowTimesBAvx2(int n, int k, float* a, float* b, float* c, bool accumulate)
    {
        const int W = 8;
        nint nn = n;
        nint j = 0;
        for (; j + (4 * W) <= nn; j += 4 * W)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            float* bp = b + j;
            for (int p = 0; p < k; p++, bp += nn)
            {
                Vector256<float> x = Vector256.Create(a[p]);
                s0 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp), s0);
                s1 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + W), s1);
                s2 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + (2 * W)), s2);
                s3 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + (3 * W)), s3);
            }

            float* cj = c + j;
            (accumulate ? Avx.LoadVector256(cj) + s0 : s0).Store(cj);
            (accumulate ? Avx.LoadVector256(cj + W) + s1 : s1).Store(cj + W);
            (accumulate ? Avx.LoadVector256(cj + (2 * W)) + s2 : s2).Store(cj + (2 * W));
            (accumulate ? Avx.LoadVector256(cj + (3 * W)) + s3 : s3).Store(cj + (3 * W));
        }

        for (; j + W <= nn; j += W)
        {
            Vector256<float> s = default;
            float* bp = b + j;
            for (int p = 0; p < k; p++, bp += nn)
            {
                s = Fma.MultiplyAdd(Vector256.Create(a[p]), Avx.LoadVector256(bp), s);
            }

            float* cj = c + j;
            (accumulate ? Avx.LoadVector256(cj) + s : s).Store(cj);
        }

        for (; j < nn; j++)
        {
            float sum = 0f;
            for (int p = 0; p < k; p++)
            {
                sum = MathF.FusedMultiplyAdd(a[p], b[(p * nn) + j], sum);
            }

            c[j] = accumulate ? c[j] + sum : sum;
        }
    }
}
