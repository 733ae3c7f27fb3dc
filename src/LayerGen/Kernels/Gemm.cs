using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>
/// Single-precision matrix product for the generated kernels' large matmuls: C = op(A)·op(B) or
/// C += op(A)·op(B), all operands row-major.
/// </summary>
/// <remarks>
/// <para>Two register-blocked micro-kernels, each written once for any vector width: Vector512 when
/// hardware-accelerated, else Vector256, else Vector128, else scalar, taking the widest whose lane count
/// fits the vectorised dimension (N, or K for A·Bᵀ), so small products use narrower vectors.</para>
/// <list type="bullet">
/// <item>Broadcast tiles, for B not transposed (A·B, and Aᵀ·B such as a weight gradient Xᵀ·dY): a tile of
/// 6 rows × 4 vectors of C in 24 accumulators (6 × 2 where there are only 16 vector registers, i.e. x64
/// without AVX-512); each step of the contraction broadcasts 6 elements of A (down a column of the stored
/// K×M A when transposed) and loads 4 vectors of a row of B. The contraction is blocked (≤ 256 steps) so
/// the panel of B that a column of tiles reads stays in L1. Columns past the last whole vector are done by
/// one vector overlapping the previous one and stored through a lane mask; leftover rows by a shorter tile
/// (with AVX-512 and m mod 6 = 2, m ≥ 8, the last 8 rows by two 4-row tiles instead of 6 + 2: Gemm.FewRows.cs);
/// thin tiles keep 2 or 4 accumulator sets so their FMA chains overlap.</item>
/// <item>Dot-product tiles, for A·Bᵀ (torch's Linear, x·Wᵀ): both operands are contiguous along the
/// contraction, so a tile of 6 rows of A × 4 rows of B (2 × 4 with 16 registers) keeps 24 vector dot
/// products, reduced together at the end (four sums per shuffle sequence) and stored as 4 consecutive
/// elements of a row of C. The 6 rows of A stay in L1 while B streams past; leftover rows as for the
/// broadcast tiles (two 4-row tiles for the last 8 when m mod 6 = 2). The contraction's tail is one more
/// vector step overlapping the previous one, with the lanes already summed masked to zero. Nothing is
/// packed or copied. With 16 registers and 256-bit vectors, products large beside their operands instead
/// transpose A into a panel and run the broadcast tiles on Cᵀ = B·Aᵀ (Gemm.PackedDot.cs): 2 × 4 dot
/// tiles load 6 vectors per 8 FMAs.</item>
/// </list>
/// <para>Aᵀ·Bᵀ computes Cᵀ = B·A with the broadcast kernel into a per-thread buffer and transposes it.</para>
/// <para>Two small-shape paths for A·Bᵀ come first, AVX-512 only (Vector512 accelerated and Avx512F; elsewhere
/// the kernels above do these shapes too), both for n ≥ 16, in blocks of 16 rows of B whose last block ends
/// at row n and overlaps the previous one:</para>
/// <list type="bullet">
/// <item>One row of A and k ≥ 16 (Linear's forward for a batch of one): 16 dot products in 16 accumulators,
/// reduced together by one transpose-and-add network into 16 consecutive outputs. (With 2–4 rows it would
/// read B once per row; the dot tiles, which read it once, measured faster.)</item>
/// <item>k = 8, any number of rows (Linear(8, n)'s forward): each block of B, 16 × 8, is transposed in
/// registers (24 two-source permutes) so each row of A makes its 16 outputs with 8 broadcast FMAs. With 256-bit
/// vectors (AVX2 + FMA; also n = 8–15 on AVX-512) the same with blocks of 8 × 8 and the classic 24-shuffle transpose
/// (Gemm.DotK8.Avx2.cs).</item>
/// </list>
/// <para>Below a few thousand multiply-adds, time is bounded by loads and stores more than by FMAs, and
/// managed arrays are only 8- or 16-byte aligned, so most 64-byte accesses straddle two cache lines (an
/// outer product measured no faster on a plain row loop than on the broadcast tiles). Four more AVX-512
/// paths therefore place their stores of C, or their loads of B, on the 64-byte grid, with lane masks
/// where the grid runs past an operand (masked lanes are neither read nor written):</para>
/// <list type="bullet">
/// <item>A·B and Aᵀ·B with k ≤ 4 and n a multiple of 16 (weight gradients for a batch of 1–4, outer
/// products): C is written as whole aligned vectors across its contiguous rows; the one vector per row that
/// ends in the next row takes its two rows' broadcasts through a blend and B's last and first columns
/// through a permute made once per call. 64×64×1 stores at about the speed of clearing C.</item>
/// <item>Aᵀ·B with n = 8 and k ≤ 4 (Linear(·, 8)'s or Linear(8, ·)'s weight gradient): each aligned vector of
/// C covers two or three rows; its coefficients are one two-source permute of 32 consecutive elements of
/// A's row p, its B one permute of B's row p made once per call.</item>
/// <item>One row of A times B, n a multiple of 16 (dY·W for a batch of one): every row of B has the same
/// offset from the grid, so each block of 4 output vectors sums 5 aligned vectors per row of B in 4 sets
/// of sums (for 4 overlapping FMA chains) and cuts the outputs out of neighbouring sums at the end.</item>
/// <item>One row of A times Bᵀ with k a multiple of 16, k ≥ 48 (else Gemv above): as Gemv, but each row of B
/// is read as aligned vectors, the row of A shifted to match, and a row's two partial end vectors are
/// masked to zero (an infinity in the neighbouring row must not meet a zero of A).</item>
/// </list>
/// <para>These need the operand they align (C, or B) on a float boundary, else the tiles run.</para>
/// <para>Where those AVX-512 paths do not run (AVX2 machines, and shapes outside them), three 256-bit paths take the
/// same small shapes: one row of A times Bᵀ (8 rows of B at a time, one horizontal-add network per 8 outputs) or
/// times B (Gemm.OneRow.Avx2.cs), and contractions of 1–4 row by row (Gemm.ShortK.Avx2.cs).</para>
/// <para>On one AVX-512 core (Zen 5, FMA peak ≈ 270 GFLOP/s) the MLP shapes 64×256×784 (x·Wᵀ, A·B),
/// 64×784×256 (dY·W) and 256×784×64 (dYᵀ·X) run at about 230–265 GFLOP/s.</para>
/// <para>Products of 2²¹ multiply-adds and more split their rows of C across two threads (Gemm.TwoThreads.cs;
/// <see cref="KernelThreads.Max"/> = 1 turns it off), bit-identical to one thread. Allocation-free once warm
/// (only the per-thread Aᵀ·Bᵀ and packing buffers are allocated, grow-only, and the worker thread once).
/// Safe to call from several threads at once. C must not overlap A or B.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe partial class Gemm
{
    /// <summary>
    /// Longest contraction block of the broadcast kernel (blocks are made equal: 784 = 4 × 196). Measured on
    /// 64×256×784: 128 and 256 alike, 512 4% slower, unblocked 8% slower.
    /// </summary>
    private const int KBlock = 256;

    /// <summary>
    /// 32 vector registers (x64 with AVX-512, whose encoding also serves 128/256-bit code; Arm64): 6 × 4 tiles
    /// of 24 accumulators. Otherwise 16: 6 × 2 broadcast tiles and 2 × 4 dot tiles, which do not spill.
    /// </summary>
    private static bool ManyRegisters => Avx512F.IsSupported || AdvSimd.Arm64.IsSupported;

    [ThreadStatic]
    private static float[]? t_scratch;

    /// <summary>
    /// C = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/>; C is
    /// <paramref name="m"/>×<paramref name="n"/>, the contraction <paramref name="k"/> long.
    /// </summary>
    /// <param name="m">Rows of C and of op(A).</param>
    /// <param name="n">Columns of C and of op(B).</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="a">A, stored M×K, or K×M when <paramref name="transposeA"/> (op(A) = Aᵀ).</param>
    /// <param name="transposeA">Whether A is stored K×M.</param>
    /// <param name="b">B, stored K×N, or N×K when <paramref name="transposeB"/> (op(B) = Bᵀ).</param>
    /// <param name="transposeB">Whether B is stored N×K.</param>
    /// <param name="c">C, M×N; its first M·N elements are written (longer spans are fine).</param>
    /// <param name="accumulate">Add to C instead of overwriting it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its operand.</exception>
    public static void MatMul(int m, int n, int k, ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB, Span<float> c, bool accumulate) =>
        MatMul(m, n, k, a, transposeA, b, transposeB, c, accumulate, KBlock);

    /// <summary>
    /// <see cref="MatMul(int, int, int, ReadOnlySpan{float}, bool, ReadOnlySpan{float}, bool, Span{float}, bool)"/>
    /// with the broadcast kernel's contraction blocks at most <paramref name="kBlock"/> steps long instead of
    /// <see cref="KBlock"/>. Each block's sums start from zero in registers and are then added to C, so a
    /// float rounding error grows with the block's length rather than with k: short blocks trade a little
    /// speed (C is read and written once per block) for accuracy. (A·Bᵀ on the dot-product kernel, whose
    /// sums are already split across the vector's lanes, ignores <paramref name="kBlock"/>; on the packed
    /// path of Gemm.PackedDot.cs it applies.)
    /// </summary>
    internal static void MatMul(int m, int n, int k, ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB, Span<float> c, bool accumulate, int kBlock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kBlock, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (a.Length < (long)m * k)
        {
            ThrowTooShort(nameof(a), a.Length, transposeA ? k : m, transposeA ? m : k);
        }

        if (b.Length < (long)k * n)
        {
            ThrowTooShort(nameof(b), b.Length, transposeB ? n : k, transposeB ? k : n);
        }

        if (c.Length < (long)m * n)
        {
            ThrowTooShort(nameof(c), c.Length, m, n);
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                c.Slice(0, m * n).Clear();
            }

            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            if (TrySmall(m, n, k, pa, transposeA, pb, transposeB, pc, accumulate))
            {
                return;
            }

            if (!transposeB)
            {
                RunWhole(transposeA ? PartKind.BroadcastRowContiguous : PartKind.BroadcastKContiguous, m, n, k, pa, pb, pc, accumulate, kBlock);
            }
            else if (!transposeA)
            {
                if (UsePackedDot(m, n, k))
                {
                    PackedDot(m, n, k, pa, pb, pc, accumulate, kBlock);
                }
                else
                {
                    RunWhole(PartKind.Dot, m, n, k, pa, pb, pc, accumulate, kBlock);
                }
            }
            else
            {
                TransposedBoth(m, n, k, pa, pb, pc, accumulate, kBlock);
            }
        }
    }

    [DoesNotReturn]
    private static void ThrowTooShort(string name, int actual, int rows, int columns) =>
        throw new ArgumentException($"Gemm.MatMul: '{name}' has {actual} elements but the {rows}×{columns} operand needs {(long)rows * columns}.", name);

    /// <summary>Aᵀ·Bᵀ = (B·A)ᵀ: B (N×K) is the broadcast operand, A (K×M) the vector one; Cᵀ goes to a scratch buffer.</summary>
    private static void TransposedBoth(int m, int n, int k, float* a, float* b, float* c, bool accumulate, int kBlock)
    {
        int length = m * n;
        float[]? scratch = t_scratch;
        if (scratch is null || scratch.Length < length)
        {
            t_scratch = scratch = new float[Math.Max(length, 2 * (scratch?.Length ?? 0))];
        }

        fixed (float* t = scratch)
        {
            Broadcast<KContiguous>(n, m, k, b, k, a, m, t, m, accumulate: false, kBlock);
            for (nint i = 0; i < m; i++)
            {
                float* row = c + (i * n);
                for (nint j = 0; j < n; j++)
                {
                    float v = t[(j * m) + i];
                    row[j] = accumulate ? row[j] + v : v;
                }
            }
        }
    }

    /// <summary>The broadcast-tile product, vectorised along N with the widest vector that fits.</summary>
    private static void Broadcast<TX>(int m, int n, int k, float* x, nint ldx, float* y, nint ldy, float* c, nint ldc, bool accumulate, int kBlock)
        where TX : struct
    {
        kBlock = Math.Min(kBlock, PanelRowsThatFitL1(ldy));
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Broadcast<Vector512<float>, Ops512, TX>(m, n, k, x, ldx, y, ldy, c, ldc, accumulate, kBlock);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Broadcast<Vector256<float>, Ops256, TX>(m, n, k, x, ldx, y, ldy, c, ldc, accumulate, kBlock);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Broadcast<Vector128<float>, Ops128, TX>(m, n, k, x, ldx, y, ldy, c, ldc, accumulate, kBlock);
        }
        else
        {
            Broadcast<float, Ops1, TX>(m, n, k, x, ldx, y, ldy, c, ldc, accumulate, kBlock);
        }
    }

    /// <summary>
    /// The longest contraction block whose panel of Y (a column of tiles: up to 2 cache lines per row, rows
    /// <paramref name="ldy"/> floats apart) stays in L1 with 16 registers. L1 has 64 sets of 8 lines; rows a
    /// multiple of 2ᵖ lines apart use only 64/2ᵖ of them, so from 4 lines apart (Y 64 floats wide, a
    /// 64-wide layer's weight or its gradient) 256 rows evict each other: Aᵀ·B 64×64×256 measured 51
    /// GFLOP/s in one block, 83 in blocks of 64, on Zen 3. (With 32 registers the panel is 4 vectors wide and
    /// was measured and tuned as it is; it is left alone.)
    /// </summary>
    private static int PanelRowsThatFitL1(nint ldy)
    {
        if (ManyRegisters || ldy % 16 != 0)
        {
            return int.MaxValue;
        }

        long lines = ldy / 16;
        int aliasing = (int)Math.Min(64, lines & -lines); // the largest power of two dividing the stride in lines
        return aliasing <= 2 ? int.MaxValue : Math.Max(32, 256 / aliasing); // 8 ways · 64 / aliasing sets, 2 lines a row, half for Y
    }

    /// <summary>
    /// C (+)= X·Y over k blocks; per block, columns of 4-vector tiles, each down all rows (the Y panel stays
    /// in L1), then the leftover whole vectors, then one masked vector ending at column n (requires n ≥ W).
    /// </summary>
    private static void Broadcast<T, TOps, TX>(int m, int n, int k, float* x, nint ldx, float* y, nint ldy, float* c, nint ldc, bool accumulate, int kBlock)
        where T : struct
        where TOps : struct, IOps<T>
        where TX : struct
    {
        int w = Width<T>();
        int blocks = (k + kBlock - 1) / kBlock;
        int kc = (k + blocks - 1) / blocks;
        for (int k0 = 0; k0 < k; k0 += kc)
        {
            int kb = Math.Min(kc, k - k0);
            bool acc = accumulate || k0 > 0;
            float* xk = x + (typeof(TX) == typeof(KContiguous) ? k0 : k0 * ldx);
            float* yk = y + (k0 * ldy);
            int j = 0;
            if (ManyRegisters)
            {
                for (; j <= n - (4 * w); j += 4 * w)
                {
                    Rows<T, TOps, TX, C4>(m, xk, ldx, yk + j, ldy, kb, c + j, ldc, acc, 0);
                }
            }
            else
            {
                for (; j <= n - (2 * w); j += 2 * w)
                {
                    Rows<T, TOps, TX, C2>(m, xk, ldx, yk + j, ldy, kb, c + j, ldc, acc, 0);
                }
            }

            switch ((n - j) / w)
            {
                case 1: Rows<T, TOps, TX, C1>(m, xk, ldx, yk + j, ldy, kb, c + j, ldc, acc, 0); break;
                case 2: Rows<T, TOps, TX, C2>(m, xk, ldx, yk + j, ldy, kb, c + j, ldc, acc, 0); break;
                case 3: Rows<T, TOps, TX, C3>(m, xk, ldx, yk + j, ldy, kb, c + j, ldc, acc, 0); break;
            }

            j += (n - j) / w * w;
            if (j < n)
            {
                Rows<T, TOps, TX, C1>(m, xk, ldx, yk + (n - w), ldy, kb, c + (n - w), ldc, acc, n - j);
            }
        }
    }

    /// <summary>One column of tiles: 6 rows at a time, then the leftover rows (for a few rows, 4-row tiles: Gemm.FewRows.cs).</summary>
    private static void Rows<T, TOps, TX, TV>(int m, float* x, nint ldx, float* y, nint ldy, int kc, float* c, nint ldc, bool accumulate, int tailLanes)
        where T : struct
        where TOps : struct, IOps<T>
        where TX : struct
        where TV : struct
    {
        nint rowStep = typeof(TX) == typeof(KContiguous) ? ldx : 1;
        int four = FourRowTail<T>(m);
        int i = 0;
        for (; i <= m - four - 6; i += 6)
        {
            Tile<T, TOps, TX, C6, TV>(x + (i * rowStep), ldx, y, ldy, kc, c + (i * ldc), ldc, accumulate, tailLanes);
        }

        for (; four > 0 && i < m; i += 4)
        {
            Tile<T, TOps, TX, C4, TV>(x + (i * rowStep), ldx, y, ldy, kc, c + (i * ldc), ldc, accumulate, tailLanes);
        }

        x += i * rowStep;
        c += i * ldc;
        switch (m - i)
        {
            case 1: Tile<T, TOps, TX, C1, TV>(x, ldx, y, ldy, kc, c, ldc, accumulate, tailLanes); break;
            case 2: Tile<T, TOps, TX, C2, TV>(x, ldx, y, ldy, kc, c, ldc, accumulate, tailLanes); break;
            case 3: Tile<T, TOps, TX, C3, TV>(x, ldx, y, ldy, kc, c, ldc, accumulate, tailLanes); break;
            case 4: Tile<T, TOps, TX, C4, TV>(x, ldx, y, ldy, kc, c, ldc, accumulate, tailLanes); break;
            case 5: Tile<T, TOps, TX, C5, TV>(x, ldx, y, ldy, kc, c, ldc, accumulate, tailLanes); break;
        }
    }

    /// <summary>The dot-product-tile product A·Bᵀ, vectorised along K with the widest vector that fits.</summary>
    private static void Dot(int m, int n, int k, float* a, float* b, float* c, bool accumulate)
    {
        if (Vector512.IsHardwareAccelerated && k >= Vector512<float>.Count)
        {
            Dot<Vector512<float>, Ops512>(m, n, k, a, b, c, accumulate);
        }
        else if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count)
        {
            Dot<Vector256<float>, Ops256>(m, n, k, a, b, c, accumulate);
        }
        else if (Vector128.IsHardwareAccelerated && k >= Vector128<float>.Count)
        {
            Dot<Vector128<float>, Ops128>(m, n, k, a, b, c, accumulate);
        }
        else
        {
            Dot<float, Ops1>(m, n, k, a, b, c, accumulate);
        }
    }

    /// <summary>
    /// Rows of tiles 6 rows of A high, each across all of B: the 6 rows of A stay in L1 and each step streams
    /// only the 4 vectors of B (measured faster than keeping 4 rows of B in L1 and streaming 6 of A).
    /// </summary>
    private static void Dot<T, TOps>(int m, int n, int k, float* a, float* b, float* c, bool accumulate)
        where T : struct
        where TOps : struct, IOps<T>
    {
        int i = 0;
        if (ManyRegisters)
        {
            int four = FourRowTail<T>(m);
            for (; i <= m - four - 6; i += 6)
            {
                DotColumns<T, TOps, C6>(n, k, a + ((nint)i * k), b, c + ((nint)i * n), accumulate);
            }

            for (; four > 0 && i < m; i += 4)
            {
                DotColumns<T, TOps, C4>(n, k, a + ((nint)i * k), b, c + ((nint)i * n), accumulate);
            }
        }
        else
        {
            for (; i <= m - 2; i += 2)
            {
                DotColumns<T, TOps, C2>(n, k, a + ((nint)i * k), b, c + ((nint)i * n), accumulate);
            }
        }

        a += (nint)i * k;
        c += (nint)i * n;
        switch (m - i)
        {
            case 1: DotColumns<T, TOps, C1>(n, k, a, b, c, accumulate); break;
            case 2: DotColumns<T, TOps, C2>(n, k, a, b, c, accumulate); break;
            case 3: DotColumns<T, TOps, C3>(n, k, a, b, c, accumulate); break;
            case 4: DotColumns<T, TOps, C4>(n, k, a, b, c, accumulate); break;
            case 5: DotColumns<T, TOps, C5>(n, k, a, b, c, accumulate); break;
        }
    }

    /// <summary>One row of tiles: 4 rows of B (columns of C) at a time, then the leftover ones.</summary>
    private static void DotColumns<T, TOps, TR>(int n, int k, float* a, float* b, float* c, bool accumulate)
        where T : struct
        where TOps : struct, IOps<T>
        where TR : struct
    {
        int j = 0;
        for (; j <= n - 4; j += 4)
        {
            DotTile<T, TOps, TR, C4>(a, k, b + ((nint)j * k), k, k, c + j, n, accumulate);
        }

        b += (nint)j * k;
        c += j;
        switch (n - j)
        {
            case 1: DotTile<T, TOps, TR, C1>(a, k, b, k, k, c, n, accumulate); break;
            case 2: DotTile<T, TOps, TR, C2>(a, k, b, k, k, c, n, accumulate); break;
            case 3: DotTile<T, TOps, TR, C3>(a, k, b, k, k, c, n, accumulate); break;
        }
    }
}
