using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// The matrix-vector A·Bᵀ path for k a multiple of 16, at least 48 (AVX-512 only): Linear(k, n)'s forward for a batch of
// one, as Gemv but with B read on its 64-byte grid. It reads all of B once, so the time is B's loads, and
// a managed array is rarely 64-byte aligned: most of Gemv's loads straddle two cache lines. With k a
// multiple of 16 every row of B has the same offset s from the grid, so each row is read as k/16 (+1 when
// s ≠ 0) aligned vectors and the row of A is shifted by s to match (one unaligned load per vector step,
// shared by 16 rows of B). The first and last grid vectors of a row hold lanes of the neighbouring rows:
// they are loaded through a lane mask that zeroes them (so an infinity there cannot make ∞·0 = NaN, and
// nothing before B or past its end is read), and A's shifted lanes outside the row are zero too.
public static unsafe partial class Gemm
{
    /// <summary>
    /// c (+)= a·Bᵀ for one row a, n ≥ 16, k ≥ 16 a multiple of 16 (chosen for k ≥ 48): per block of 16 rows of B (the last ends
    /// at row n and overlaps the previous one; its shared outputs are stored only once), 16 dot products
    /// on the grid, reduced by <see cref="Reduce16"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GemvGrid(int n, int k, float* a, float* b, float* c, bool accumulate)
    {
        const int W = 16;
        nint kn = k;
        nint s = ((nint)b >> 2) & (W - 1);

        // Grid steps per row: v = 0 and v = steps − 1 are masked (the same step when k = 16 and s = 0).
        nint steps = (kn + s + W - 1) / W;
        nint lastStep = steps - 1;
        Vector512<int> lane = Vector512<int>.Indices;
        Vector512<float> firstMask = Vector512.GreaterThanOrEqual(lane, Vector512.Create((int)s)).AsSingle();
        Vector512<float> lastMask = Vector512.LessThan(lane, Vector512.Create((int)(kn + s - (W * lastStep)))).AsSingle();
        if (lastStep == 0)
        {
            firstMask &= lastMask;
        }

        Vector512<float> aFirst = Avx512F.MaskLoad(a - s, firstMask, Vector512<float>.Zero);
        Vector512<float> aLast = Avx512F.MaskLoad(a + (W * lastStep) - s, lastMask, Vector512<float>.Zero);
        nint lastBlock = n - W;
        for (nint j = 0; ; j += W)
        {
            int tailLanes = 0;
            if (j > lastBlock)
            {
                tailLanes = (int)(n - j);
                j = lastBlock;
            }

            float* b0 = b + (j * kn) - s, b4 = b0 + (4 * kn), b8 = b4 + (4 * kn), b12 = b8 + (4 * kn);
            Vector512<float> x = aFirst;
            Vector512<float> s0 = x * GridEdgeLoad(b0, firstMask, j == 0);
            Vector512<float> s1 = x * (Vector512.LoadAligned(b0 + kn) & firstMask);
            Vector512<float> s2 = x * (Vector512.LoadAligned(b0 + (2 * kn)) & firstMask);
            Vector512<float> s3 = x * (Vector512.LoadAligned(b0 + (3 * kn)) & firstMask);
            Vector512<float> s4 = x * (Vector512.LoadAligned(b4) & firstMask);
            Vector512<float> s5 = x * (Vector512.LoadAligned(b4 + kn) & firstMask);
            Vector512<float> s6 = x * (Vector512.LoadAligned(b4 + (2 * kn)) & firstMask);
            Vector512<float> s7 = x * (Vector512.LoadAligned(b4 + (3 * kn)) & firstMask);
            Vector512<float> s8 = x * (Vector512.LoadAligned(b8) & firstMask);
            Vector512<float> s9 = x * (Vector512.LoadAligned(b8 + kn) & firstMask);
            Vector512<float> s10 = x * (Vector512.LoadAligned(b8 + (2 * kn)) & firstMask);
            Vector512<float> s11 = x * (Vector512.LoadAligned(b8 + (3 * kn)) & firstMask);
            Vector512<float> s12 = x * (Vector512.LoadAligned(b12) & firstMask);
            Vector512<float> s13 = x * (Vector512.LoadAligned(b12 + kn) & firstMask);
            Vector512<float> s14 = x * (Vector512.LoadAligned(b12 + (2 * kn)) & firstMask);
            Vector512<float> s15 = x * (Vector512.LoadAligned(b12 + (3 * kn)) & firstMask);
            for (nint p = W; p < W * lastStep; p += W)
            {
                x = Vector512.Load(a + p - s);
                s0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b0 + p), s0);
                s1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b0 + kn + p), s1);
                s2 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b0 + (2 * kn) + p), s2);
                s3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b0 + (3 * kn) + p), s3);
                s4 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b4 + p), s4);
                s5 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b4 + kn + p), s5);
                s6 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b4 + (2 * kn) + p), s6);
                s7 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b4 + (3 * kn) + p), s7);
                s8 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b8 + p), s8);
                s9 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b8 + kn + p), s9);
                s10 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b8 + (2 * kn) + p), s10);
                s11 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b8 + (3 * kn) + p), s11);
                s12 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b12 + p), s12);
                s13 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b12 + kn + p), s13);
                s14 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b12 + (2 * kn) + p), s14);
                s15 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b12 + (3 * kn) + p), s15);
            }

            if (lastStep > 0)
            {
                nint p = W * lastStep;
                x = aLast;
                s0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b0 + p) & lastMask, s0);
                s1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b0 + kn + p) & lastMask, s1);
                s2 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b0 + (2 * kn) + p) & lastMask, s2);
                s3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b0 + (3 * kn) + p) & lastMask, s3);
                s4 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b4 + p) & lastMask, s4);
                s5 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b4 + kn + p) & lastMask, s5);
                s6 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b4 + (2 * kn) + p) & lastMask, s6);
                s7 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b4 + (3 * kn) + p) & lastMask, s7);
                s8 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b8 + p) & lastMask, s8);
                s9 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b8 + kn + p) & lastMask, s9);
                s10 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b8 + (2 * kn) + p) & lastMask, s10);
                s11 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b8 + (3 * kn) + p) & lastMask, s11);
                s12 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b12 + p) & lastMask, s12);
                s13 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b12 + kn + p) & lastMask, s13);
                s14 = Vector512.FusedMultiplyAdd(x, Vector512.LoadAligned(b12 + (2 * kn) + p) & lastMask, s14);
                s15 = Vector512.FusedMultiplyAdd(x, GridEdgeLoad(b12 + (3 * kn) + p, lastMask, j == lastBlock), s15);
            }

            PutLast<Vector512<float>, Ops512>(c + j, Reduce16(s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15), accumulate, tailLanes);
            if (j == lastBlock)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A first or last grid vector of a row of B with its lanes of the neighbouring rows zeroed; at an edge of
    /// B (row 0's first, row n − 1's last), through a masked load that reads nothing outside B. Elsewhere an
    /// aligned load and an AND: the masked load measured slower (Zen 5), and the lanes read are inside B.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> GridEdgeLoad(float* p, Vector512<float> mask, bool edge) =>
        edge ? Avx512F.MaskLoadAligned(p, mask, Vector512<float>.Zero) : Vector512.LoadAligned(p) & mask;
}
