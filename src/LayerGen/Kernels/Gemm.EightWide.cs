using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

// The A·B and Aᵀ·B path for n = 8 and a batch of at most 8 rows, or a contraction of at most 8 (AVX2 suffices): the forward of a layer
// with 8 outputs (x·W, W [in, 8]) or its weight gradient for a longer batch. A row of C is one 256-bit
// vector, a row of B one load; the tiled kernels spend much of such a product in their row-remainder
// handling (2×8×64: 33.5 ns there, 26.2 here; 2×8×5: 9.8 and 3.1). Two rows of C at a time, four accumulators each, so eight
// independent FMA chains hide the FMA latency; each B row is loaded once for both rows of C.
public static unsafe partial class Gemm
{
    /// <summary>C (+)= op(A)·B for n = 8, op(A)(r, p) = a[r·rowStep + p·kStep], B K×8 row-major.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EightWide(int m, int k, float* a, nint rowStep, nint kStep, float* b, float* c, bool accumulate)
    {
        const int N = 8;
        nint kStep2 = 2 * kStep, kStep3 = 3 * kStep, kStep4 = 4 * kStep;
        int i = 0;
        for (; i + 2 <= m; i += 2)
        {
            // A is walked by pointers (p·kStep as an address offset, not a multiplication per element).
            float* q0 = a + (i * rowStep);
            float* q1 = q0 + rowStep;
            float* bp = b;
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector256<float> t0 = default, t1 = default, t2 = default, t3 = default;
            int p = 0;
            for (; p + 4 <= k; p += 4, q0 += kStep4, q1 += kStep4, bp += 4 * N)
            {
                Vector256<float> b0 = Vector256.Load(bp), b1 = Vector256.Load(bp + N), b2 = Vector256.Load(bp + (2 * N)), b3 = Vector256.Load(bp + (3 * N));
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(*q0), b0, s0);
                t0 = Vector256.FusedMultiplyAdd(Vector256.Create(*q1), b0, t0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Create(q0[kStep]), b1, s1);
                t1 = Vector256.FusedMultiplyAdd(Vector256.Create(q1[kStep]), b1, t1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Create(q0[kStep2]), b2, s2);
                t2 = Vector256.FusedMultiplyAdd(Vector256.Create(q1[kStep2]), b2, t2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Create(q0[kStep3]), b3, s3);
                t3 = Vector256.FusedMultiplyAdd(Vector256.Create(q1[kStep3]), b3, t3);
            }

            for (; p < k; p++, q0 += kStep, q1 += kStep, bp += N)
            {
                Vector256<float> bk = Vector256.Load(bp);
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(*q0), bk, s0);
                t0 = Vector256.FusedMultiplyAdd(Vector256.Create(*q1), bk, t0);
            }

            EightWidePut(c + (i * N), (s0 + s1) + (s2 + s3), accumulate);
            EightWidePut(c + ((i + 1) * N), (t0 + t1) + (t2 + t3), accumulate);
        }

        if (i < m)
        {
            float* q0 = a + (i * rowStep);
            float* bp = b;
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int p = 0;
            for (; p + 4 <= k; p += 4, q0 += kStep4, bp += 4 * N)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(*q0), Vector256.Load(bp), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Create(q0[kStep]), Vector256.Load(bp + N), s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Create(q0[kStep2]), Vector256.Load(bp + (2 * N)), s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Create(q0[kStep3]), Vector256.Load(bp + (3 * N)), s3);
            }

            for (; p < k; p++, q0 += kStep, bp += N)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(*q0), Vector256.Load(bp), s0);
            }

            EightWidePut(c + (i * N), (s0 + s1) + (s2 + s3), accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightWidePut(float* c, Vector256<float> sum, bool accumulate) =>
        (accumulate ? Vector256.Load(c) + sum : sum).Store(c);
}
