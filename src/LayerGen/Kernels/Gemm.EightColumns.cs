using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// The Aᵀ·B path for n = 8 and a contraction of 1–4 steps (AVX-512 only): the weight gradient xᵀ·dY of a
// layer with 8 outputs (or dYᵀ·x of one with 8 inputs) for a batch of 1–4. A row of C is half a vector, so
// the tiles would store m half-width, mostly line-straddling vectors. Instead C (8m contiguous floats) is
// written as whole vectors on its 64-byte grid, each covering parts of two or three rows: lane L of the
// vector that starts at element 16t − s of C (s: C's offset from the grid) is row 2t + ⌊(L − s)/8⌋, column
// (L − s) mod 8. Both patterns are the same for every vector, so B's rows are permuted into them once,
// and the stored A (K×M, row p = column p of op(A)) gives each vector its per-lane coefficients with one
// two-source permute of 32 consecutive elements: the 16 rows of C of this group of 8 vectors and the 16
// before it.
public static unsafe partial class Gemm
{
    /// <summary>
    /// C (+)= Aᵀ·B for n = 8, k = Unsafe.SizeOf&lt;TK&gt;() ≤ 4, A stored K×M, C 4-byte aligned. Groups of 8
    /// grid vectors (16 rows of C); the first and the last group, which may start before C or end past it,
    /// store through lane masks and read A's rows past m as zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EightColumns<TK, TAcc>(int m, float* a, float* b, float* c)
        where TK : struct
        where TAcc : struct
    {
        const int W = 16;
        int k = Unsafe.SizeOf<TK>();
        nint mm = m;
        nint s = ((nint)c >> 2) & (W - 1);
        float* grid = c - s;
        nint total = 8 * mm;
        nint vectors = (total + s + W - 1) / W;
        Vector512<int> lane = Vector512<int>.Indices;

        // (L − s) mod 8 and ⌊(L − s)/8⌋ + 2 ∈ [0, 3], from L − s + 16 ≥ 0.
        Vector512<int> shifted = lane - Vector512.Create((int)s) + Vector512.Create(W);
        Vector512<int> column = shifted & Vector512.Create(7);
        Vector512<int> row = Vector512.ShiftRightLogical(shifted, 3);

        // Row 2j + ⌊(L − s)/8⌋ of the group is lane 16 + that of (previous 16 rows, these 16 rows).
        Vector512<int> i0 = row + Vector512.Create(14), i1 = i0 + Vector512.Create(2), i2 = i0 + Vector512.Create(4), i3 = i0 + Vector512.Create(6);
        Vector512<int> i4 = i0 + Vector512.Create(8), i5 = i0 + Vector512.Create(10), i6 = i0 + Vector512.Create(12), i7 = i0 + Vector512.Create(14);

        Vector512<float> b0 = Avx512F.PermuteVar16x32(Vector256.Load(b).ToVector512Unsafe(), column);
        Vector512<float> b1 = k > 1 ? Avx512F.PermuteVar16x32(Vector256.Load(b + 8).ToVector512Unsafe(), column) : default;
        Vector512<float> b2 = k > 2 ? Avx512F.PermuteVar16x32(Vector256.Load(b + 16).ToVector512Unsafe(), column) : default;
        Vector512<float> b3 = k > 3 ? Avx512F.PermuteVar16x32(Vector256.Load(b + 24).ToVector512Unsafe(), column) : default;

        // Rows of A before row 0 would only feed lanes before C, which are never stored.
        Vector512<float> p0 = default, p1 = default, p2 = default, p3 = default;
        for (nint g = 0; 8 * g < vectors; g++)
        {
            nint r0 = W * g;
            float* ag = a + r0;
            float* cg = grid + (8 * W * g);
            bool whole = r0 + W <= mm;
            Vector512<float> q0, q1 = default, q2 = default, q3 = default;
            if (whole)
            {
                q0 = Vector512.Load(ag);
                if (k > 1) q1 = Vector512.Load(ag + mm);
                if (k > 2) q2 = Vector512.Load(ag + (2 * mm));
                if (k > 3) q3 = Vector512.Load(ag + (3 * mm));
            }
            else
            {
                // Rows past m read as zero (masked loads suppress their faults).
                Vector512<float> rows = Vector512.LessThan(lane, Vector512.Create((int)(mm - r0))).AsSingle();
                q0 = Avx512F.MaskLoad(ag, rows, Vector512<float>.Zero);
                if (k > 1) q1 = Avx512F.MaskLoad(ag + mm, rows, Vector512<float>.Zero);
                if (k > 2) q2 = Avx512F.MaskLoad(ag + (2 * mm), rows, Vector512<float>.Zero);
                if (k > 3) q3 = Avx512F.MaskLoad(ag + (3 * mm), rows, Vector512<float>.Zero);
            }

            if (whole && (g > 0 || s == 0))
            {
                // All 8 vectors lie inside C.
                PutAligned<TAcc>(cg, EightColumnsSum<TK>(i0, p0, q0, b0, p1, q1, b1, p2, q2, b2, p3, q3, b3));
                PutAligned<TAcc>(cg + 16, EightColumnsSum<TK>(i1, p0, q0, b0, p1, q1, b1, p2, q2, b2, p3, q3, b3));
                PutAligned<TAcc>(cg + 32, EightColumnsSum<TK>(i2, p0, q0, b0, p1, q1, b1, p2, q2, b2, p3, q3, b3));
                PutAligned<TAcc>(cg + 48, EightColumnsSum<TK>(i3, p0, q0, b0, p1, q1, b1, p2, q2, b2, p3, q3, b3));
                PutAligned<TAcc>(cg + 64, EightColumnsSum<TK>(i4, p0, q0, b0, p1, q1, b1, p2, q2, b2, p3, q3, b3));
                PutAligned<TAcc>(cg + 80, EightColumnsSum<TK>(i5, p0, q0, b0, p1, q1, b1, p2, q2, b2, p3, q3, b3));
                PutAligned<TAcc>(cg + 96, EightColumnsSum<TK>(i6, p0, q0, b0, p1, q1, b1, p2, q2, b2, p3, q3, b3));
                PutAligned<TAcc>(cg + 112, EightColumnsSum<TK>(i7, p0, q0, b0, p1, q1, b1, p2, q2, b2, p3, q3, b3));
            }
            else
            {
                Vector512<int> index = i0;
                for (nint j = 0; j < 8 && (8 * g) + j < vectors; j++, index += Vector512.Create(2))
                {
                    // Lanes inside C: 0 ≤ 16t − s + L < 8m for vector t = 8g + j.
                    nint first = (W * ((8 * g) + j)) - s;
                    Vector512<int> at = lane + Vector512.Create((int)first);
                    Vector512<float> inside = (Vector512.GreaterThanOrEqual(at, Vector512<int>.Zero) & Vector512.LessThan(at, Vector512.Create((int)total))).AsSingle();
                    PutMasked<TAcc>(cg + (W * j), inside, EightColumnsSum<TK>(index, p0, q0, b0, p1, q1, b1, p2, q2, b2, p3, q3, b3));
                }
            }

            (p0, p1, p2, p3) = (q0, q1, q2, q3);
        }
    }

    /// <summary>Σ_p permute(previous_p, current_p by index)·b_p over the first Unsafe.SizeOf&lt;TK&gt;() steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> EightColumnsSum<TK>(
        Vector512<int> index,
        Vector512<float> p0, Vector512<float> q0, Vector512<float> b0,
        Vector512<float> p1, Vector512<float> q1, Vector512<float> b1,
        Vector512<float> p2, Vector512<float> q2, Vector512<float> b2,
        Vector512<float> p3, Vector512<float> q3, Vector512<float> b3)
        where TK : struct
    {
        Vector512<float> sum = Avx512F.PermuteVar16x32x2(p0, index, q0) * b0;
        if (Unsafe.SizeOf<TK>() > 1) sum = Vector512.FusedMultiplyAdd(Avx512F.PermuteVar16x32x2(p1, index, q1), b1, sum);
        if (Unsafe.SizeOf<TK>() > 2) sum = Vector512.FusedMultiplyAdd(Avx512F.PermuteVar16x32x2(p2, index, q2), b2, sum);
        if (Unsafe.SizeOf<TK>() > 3) sum = Vector512.FusedMultiplyAdd(Avx512F.PermuteVar16x32x2(p3, index, q3), b3, sum);
        return sum;
    }
}
