using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// The A·B and Aᵀ·B path for a contraction of 1–4 steps and n a multiple of 16 (AVX-512 only): a weight
// gradient dYᵀ·X for a batch of 1–4, an outer product. There are k FMAs per 16 outputs, so the time is the
// stores of C, and a managed array is only 8–16-byte aligned: most 64-byte stores would straddle two cache
// lines. C's rows are contiguous and all of C is written, so the stores are placed on C's 64-byte grid
// instead of on its rows: with n a multiple of 16, every row starts at the same offset u from the grid,
// each row holds n/16 − 1 grid vectors and one that ends u elements into the next row, plus one partial
// vector before the first row's first grid vector and one after the last row. The straddling vector takes
// row r's broadcasts in its first 16 − u lanes and row r + 1's in the rest, times B's last 16 − u and
// first u columns (one two-source permute per step, made once per call).
public static unsafe partial class Gemm
{
    /// <summary>
    /// C (+)= op(A)·B for k = Unsafe.SizeOf&lt;TK&gt;() ≤ 4, n a multiple of 16, C 4-byte aligned; op(A)(r, p) =
    /// a[r·rowStep + p·kStep]. Every store but the first and the last is a whole aligned vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ShortK<TK, TAcc>(int m, int n, float* a, nint rowStep, nint kStep, float* b, float* c)
        where TK : struct
        where TAcc : struct
    {
        const int W = 16;
        int k = Unsafe.SizeOf<TK>();
        nint nn = n;

        // s: elements of C's first grid vector before C; u: column where each row's first grid vector starts.
        nint s = ((nint)c >> 2) & (W - 1);
        nint u = (W - s) & (W - 1);
        Vector512<int> lane = Vector512<int>.Indices;

        // B's columns as the straddling vector sees them: its last 16 − u, then its first u.
        Vector512<int> wrap = lane + Vector512.Create((int)u);
        Vector512<float> bw0 = Avx512F.PermuteVar16x32x2(Vector512.Load(b + nn - W), wrap, Vector512.Load(b));
        Vector512<float> bw1 = k > 1 ? Avx512F.PermuteVar16x32x2(Vector512.Load(b + (2 * nn) - W), wrap, Vector512.Load(b + nn)) : default;
        Vector512<float> bw2 = k > 2 ? Avx512F.PermuteVar16x32x2(Vector512.Load(b + (3 * nn) - W), wrap, Vector512.Load(b + (2 * nn))) : default;
        Vector512<float> bw3 = k > 3 ? Avx512F.PermuteVar16x32x2(Vector512.Load(b + (4 * nn) - W), wrap, Vector512.Load(b + (3 * nn))) : default;

        // Lanes of the straddling vector that are still in its own row (all 16 when u = 0).
        Vector512<float> ownRow = Vector512.LessThan(lane, Vector512.Create((int)(W - u))).AsSingle();

        Vector512<float> a0 = Vector512.Create(a[0]);
        Vector512<float> a1 = k > 1 ? Vector512.Create(a[kStep]) : default;
        Vector512<float> a2 = k > 2 ? Vector512.Create(a[2 * kStep]) : default;
        Vector512<float> a3 = k > 3 ? Vector512.Create(a[3 * kStep]) : default;

        if (u != 0)
        {
            // Row 0's first u columns: the upper lanes of the grid vector that starts s elements before C.
            Vector512<float> head = ShortKSum<TK>(a0, bw0, a1, bw1, a2, bw2, a3, bw3);
            PutMasked<TAcc>(c - s, ~Vector512.LessThan(lane, Vector512.Create((int)s)).AsSingle(), head);
        }

        nint inRow = (nn / W) - 1;
        float* cr = c + u;
        float* br = b + u;
        for (nint r = 0; r < m; r++, cr += nn)
        {
            for (nint v = 0; v < inRow; v++)
            {
                float* bv = br + (v * W);
                Vector512<float> sum = a0 * Vector512.Load(bv);
                if (k > 1) sum = Vector512.FusedMultiplyAdd(a1, Vector512.Load(bv + nn), sum);
                if (k > 2) sum = Vector512.FusedMultiplyAdd(a2, Vector512.Load(bv + (2 * nn)), sum);
                if (k > 3) sum = Vector512.FusedMultiplyAdd(a3, Vector512.Load(bv + (3 * nn)), sum);
                PutAligned<TAcc>(cr + (v * W), sum);
            }

            float* last = cr + (inRow * W);
            if (r == m - 1)
            {
                // The last row's straddling vector: only its own-row lanes exist (all of them when u = 0).
                Vector512<float> tail = ShortKSum<TK>(a0, bw0, a1, bw1, a2, bw2, a3, bw3);
                if (u == 0)
                {
                    PutAligned<TAcc>(last, tail);
                }
                else
                {
                    PutMasked<TAcc>(last, ownRow, tail);
                }

                return;
            }

            float* an = a + ((r + 1) * rowStep);
            Vector512<float> n0 = Vector512.Create(an[0]);
            Vector512<float> n1 = k > 1 ? Vector512.Create(an[kStep]) : default;
            Vector512<float> n2 = k > 2 ? Vector512.Create(an[2 * kStep]) : default;
            Vector512<float> n3 = k > 3 ? Vector512.Create(an[3 * kStep]) : default;
            Vector512<float> straddle = ShortKSum<TK>(
                Vector512.ConditionalSelect(ownRow, a0, n0), bw0,
                Vector512.ConditionalSelect(ownRow, a1, n1), bw1,
                Vector512.ConditionalSelect(ownRow, a2, n2), bw2,
                Vector512.ConditionalSelect(ownRow, a3, n3), bw3);
            PutAligned<TAcc>(last, straddle);
            (a0, a1, a2, a3) = (n0, n1, n2, n3);
        }
    }

    /// <summary>Σ a_p·b_p over the first Unsafe.SizeOf&lt;TK&gt;() pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ShortKSum<TK>(
        Vector512<float> a0, Vector512<float> b0, Vector512<float> a1, Vector512<float> b1,
        Vector512<float> a2, Vector512<float> b2, Vector512<float> a3, Vector512<float> b3)
        where TK : struct
    {
        Vector512<float> sum = a0 * b0;
        if (Unsafe.SizeOf<TK>() > 1) sum = Vector512.FusedMultiplyAdd(a1, b1, sum);
        if (Unsafe.SizeOf<TK>() > 2) sum = Vector512.FusedMultiplyAdd(a2, b2, sum);
        if (Unsafe.SizeOf<TK>() > 3) sum = Vector512.FusedMultiplyAdd(a3, b3, sum);
        return sum;
    }

    /// <summary>Stores (or adds) a whole vector at a 64-byte-aligned address.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutAligned<TAcc>(float* c, Vector512<float> value)
        where TAcc : struct =>
        Vector512.StoreAligned(typeof(TAcc) == typeof(AddTo) ? Vector512.LoadAligned(c) + value : value, c);

    /// <summary>
    /// Stores (or adds) the lanes of <paramref name="value"/> where <paramref name="mask"/> is set: the others
    /// lie outside C and are neither read nor written (AVX-512 masked accesses suppress their faults).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutMasked<TAcc>(float* c, Vector512<float> mask, Vector512<float> value)
        where TAcc : struct =>
        Avx512F.MaskStore(c, mask, typeof(TAcc) == typeof(AddTo) ? Avx512F.MaskLoad(c, mask, Vector512<float>.Zero) + value : value);
}
