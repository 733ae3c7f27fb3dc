using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// The A·Bᵀ path for a contraction of exactly 8 (AVX-512 only): Linear(8, n)'s forward x·Wᵀ. A dot product
// of 8 fills half a Vector512 and needs a horizontal sum per output; instead each block of 16 rows of B
// (16 × 8, 128 contiguous floats) is transposed in registers into 8 vectors, column p of the block in one
// vector, and every row of A then makes 16 outputs with 8 broadcast FMAs, as in a broadcast tile. The
// transpose costs 24 two-source permutes per block, shared by all rows of A.
public static unsafe partial class Gemm
{
    /// <summary>
    /// vpermt2ps indices of the three transpose levels, two per level (for the outputs taking the elements
    /// with the level's bit of p clear, then set; an index ≥ 16 picks from the second source). Element (j, p)
    /// (row j &lt; 16 of the block, column p &lt; 8) starts in register j / 2, lane 8·(j mod 2) + p; level L pairs
    /// registers that differ in bit L of j / 2 and moves a bit of j into the lane and a bit of p into the
    /// register index, so after level 3 register p holds column p with row j in lane j. (Derived and checked
    /// by simulating the three levels.)
    /// </summary>
    private static ReadOnlySpan<int> TransposeK8Indices =>
    [
        0, 8, 16, 24, 2, 10, 18, 26, 4, 12, 20, 28, 6, 14, 22, 30,
        1, 9, 17, 25, 3, 11, 19, 27, 5, 13, 21, 29, 7, 15, 23, 31,
        0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27,
        4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31,
        0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23,
        8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31,
    ];

    /// <summary>
    /// C (+)= A·Bᵀ with k = 8 and n ≥ 16: per block of 16 rows of B (the last ends at row n and overlaps the
    /// previous one; its shared outputs are stored only once), transpose, then every row of A.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotK8(int m, int n, float* a, float* b, float* c, bool accumulate)
    {
        const int W = 16;
        ref int indices = ref MemoryMarshal.GetReference(TransposeK8Indices);
        Vector512<int> i1a = Vector512.LoadUnsafe(ref indices), i1b = Vector512.LoadUnsafe(ref indices, 16);
        Vector512<int> i2a = Vector512.LoadUnsafe(ref indices, 32), i2b = Vector512.LoadUnsafe(ref indices, 48);
        Vector512<int> i3a = Vector512.LoadUnsafe(ref indices, 64), i3b = Vector512.LoadUnsafe(ref indices, 80);
        nint lastBlock = n - W;
        for (nint j = 0; ; j += W)
        {
            int tailLanes = 0;
            if (j > lastBlock)
            {
                tailLanes = (int)(n - j);
                j = lastBlock;
            }

            float* bj = b + (8 * j);

            // Level 1: pairs of registers (rows 4q…4q+3) into ones holding the even or odd columns.
            Vector512<float> z0 = Vector512.Load(bj), z1 = Vector512.Load(bj + 16);
            Vector512<float> w0 = Avx512F.PermuteVar16x32x2(z0, i1a, z1), w1 = Avx512F.PermuteVar16x32x2(z0, i1b, z1);
            z0 = Vector512.Load(bj + 32);
            z1 = Vector512.Load(bj + 48);
            Vector512<float> w2 = Avx512F.PermuteVar16x32x2(z0, i1a, z1), w3 = Avx512F.PermuteVar16x32x2(z0, i1b, z1);
            z0 = Vector512.Load(bj + 64);
            z1 = Vector512.Load(bj + 80);
            Vector512<float> w4 = Avx512F.PermuteVar16x32x2(z0, i1a, z1), w5 = Avx512F.PermuteVar16x32x2(z0, i1b, z1);
            z0 = Vector512.Load(bj + 96);
            z1 = Vector512.Load(bj + 112);
            Vector512<float> w6 = Avx512F.PermuteVar16x32x2(z0, i1a, z1), w7 = Avx512F.PermuteVar16x32x2(z0, i1b, z1);

            // Level 2: registers 2 apart.
            Vector512<float> x0 = Avx512F.PermuteVar16x32x2(w0, i2a, w2), x2 = Avx512F.PermuteVar16x32x2(w0, i2b, w2);
            Vector512<float> x1 = Avx512F.PermuteVar16x32x2(w1, i2a, w3), x3 = Avx512F.PermuteVar16x32x2(w1, i2b, w3);
            Vector512<float> x4 = Avx512F.PermuteVar16x32x2(w4, i2a, w6), x6 = Avx512F.PermuteVar16x32x2(w4, i2b, w6);
            Vector512<float> x5 = Avx512F.PermuteVar16x32x2(w5, i2a, w7), x7 = Avx512F.PermuteVar16x32x2(w5, i2b, w7);

            // Level 3: registers 4 apart; t(p) is column p of the block.
            Vector512<float> t0 = Avx512F.PermuteVar16x32x2(x0, i3a, x4), t4 = Avx512F.PermuteVar16x32x2(x0, i3b, x4);
            Vector512<float> t1 = Avx512F.PermuteVar16x32x2(x1, i3a, x5), t5 = Avx512F.PermuteVar16x32x2(x1, i3b, x5);
            Vector512<float> t2 = Avx512F.PermuteVar16x32x2(x2, i3a, x6), t6 = Avx512F.PermuteVar16x32x2(x2, i3b, x6);
            Vector512<float> t3 = Avx512F.PermuteVar16x32x2(x3, i3a, x7), t7 = Avx512F.PermuteVar16x32x2(x3, i3b, x7);

            K8Rows<Vector512<float>, Ops512>(m, n, a, c + j, t0, t1, t2, t3, t4, t5, t6, t7, accumulate, tailLanes);

            if (j == lastBlock)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Every row of A (8 floats each) times one block of B transposed into <paramref name="t0"/>…<paramref name="t7"/>
    /// (register p holds column p): 8 broadcast FMAs per row, in two chains of 4 rather than one of 8, stored at
    /// <paramref name="c"/> of each row (the last <paramref name="tailLanes"/> lanes only when it is not 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void K8Rows<T, TOps>(int m, int n, float* a, float* c, T t0, T t1, T t2, T t3, T t4, T t5, T t6, T t7, bool accumulate, int tailLanes)
        where T : struct
        where TOps : struct, IOps<T>
    {
        for (int r = 0; r < m; r++, a += 8, c += n)
        {
            T even = TOps.Fma(TOps.Splat(a[0]), t0, default), odd = TOps.Fma(TOps.Splat(a[1]), t1, default);
            even = TOps.Fma(TOps.Splat(a[2]), t2, even);
            odd = TOps.Fma(TOps.Splat(a[3]), t3, odd);
            even = TOps.Fma(TOps.Splat(a[4]), t4, even);
            odd = TOps.Fma(TOps.Splat(a[5]), t5, odd);
            even = TOps.Fma(TOps.Splat(a[6]), t6, even);
            odd = TOps.Fma(TOps.Splat(a[7]), t7, odd);
            PutLast<T, TOps>(c, TOps.Add(even, odd), accumulate, tailLanes);
        }
    }
}
