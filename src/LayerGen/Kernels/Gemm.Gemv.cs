using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

// The matrix-vector A·Bᵀ path (AVX-512 only): Linear's forward x·Wᵀ for a batch of one. The row of A meets
// 16 rows of B at a time in 16 Vector512 accumulators (one dot product each; with k ≥ 16 every lane is
// busy), and one transpose-and-add network (Reduce16) turns them into the 16 consecutive outputs: a quarter
// of the shuffles per output of the dot tiles' 4-sum reduction. Only for one row: with 2–4 rows of A this
// reads B once per row and measured slower than the 2–4-row dot tiles, which read it once.
public static unsafe partial class Gemm
{
    /// <summary>
    /// c (+)= a·Bᵀ for one row a, n ≥ 16, k ≥ 16: per block of 16 rows of B (the last block ends at row n and
    /// overlaps the previous one; its shared outputs are stored only once), 16 dot products. The contraction's
    /// tail is one more step ending at k, with the lanes already summed masked to zero in both operands
    /// (zero, not a product with an infinity).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemv(int n, int k, float* a, float* b, float* c, bool accumulate)
    {
        const int W = 16;
        nint kn = k;
        nint kWhole = k - (k % W);
        Vector512<float> kMask = k % W == 0 ? default : TailMask<Vector512<float>>(k % W);
        nint lastBlock = n - W;
        for (nint j = 0; ; j += W)
        {
            int tailLanes = 0;
            if (j > lastBlock)
            {
                tailLanes = (int)(n - j);
                j = lastBlock;
            }

            float* b0 = b + (j * kn), b4 = b0 + (4 * kn), b8 = b4 + (4 * kn), b12 = b8 + (4 * kn);
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector512<float> s4 = default, s5 = default, s6 = default, s7 = default;
            Vector512<float> s8 = default, s9 = default, s10 = default, s11 = default;
            Vector512<float> s12 = default, s13 = default, s14 = default, s15 = default;
            nint p = 0;
            for (; p < kWhole; p += W)
            {
                Vector512<float> x = Vector512.Load(a + p);
                s0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + p), s0);
                s1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + kn + p), s1);
                s2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + (2 * kn) + p), s2);
                s3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + (3 * kn) + p), s3);
                s4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b4 + p), s4);
                s5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b4 + kn + p), s5);
                s6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b4 + (2 * kn) + p), s6);
                s7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b4 + (3 * kn) + p), s7);
                s8 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b8 + p), s8);
                s9 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b8 + kn + p), s9);
                s10 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b8 + (2 * kn) + p), s10);
                s11 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b8 + (3 * kn) + p), s11);
                s12 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b12 + p), s12);
                s13 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b12 + kn + p), s13);
                s14 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b12 + (2 * kn) + p), s14);
                s15 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b12 + (3 * kn) + p), s15);
            }

            if (p < kn)
            {
                p = kn - W;
                Vector512<float> x = Vector512.Load(a + p) & kMask;
                s0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + p) & kMask, s0);
                s1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + kn + p) & kMask, s1);
                s2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + (2 * kn) + p) & kMask, s2);
                s3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + (3 * kn) + p) & kMask, s3);
                s4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b4 + p) & kMask, s4);
                s5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b4 + kn + p) & kMask, s5);
                s6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b4 + (2 * kn) + p) & kMask, s6);
                s7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b4 + (3 * kn) + p) & kMask, s7);
                s8 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b8 + p) & kMask, s8);
                s9 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b8 + kn + p) & kMask, s9);
                s10 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b8 + (2 * kn) + p) & kMask, s10);
                s11 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b8 + (3 * kn) + p) & kMask, s11);
                s12 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b12 + p) & kMask, s12);
                s13 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b12 + kn + p) & kMask, s13);
                s14 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b12 + (2 * kn) + p) & kMask, s14);
                s15 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b12 + (3 * kn) + p) & kMask, s15);
            }

            PutLast<Vector512<float>, Ops512>(c + j, Reduce16(s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15), accumulate, tailLanes);
            if (j == lastBlock)
            {
                return;
            }
        }
    }
}
