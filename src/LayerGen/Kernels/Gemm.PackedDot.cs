using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// A·Bᵀ with 16 vector registers (x64 without AVX-512). There the dot-product tiles hold only 2 × 4 dot
// products, so each step of the contraction loads 6 vectors for 8 FMAs and every 8 outputs end in a
// horizontal reduction: measured 47–55 GFLOP/s on Linear's forward 64×256×784 on a Zen 3 core (peak 93),
// while the broadcast tiles (6 × 2 vectors, 12 FMAs per 2 loads and 6 broadcasts) reach 86–96 on the same
// sizes as A·B. This path: 87–89 (copies included); 128×128×128 85 against 60, 256×64×32 66 against 47. So A is transposed into a per-thread panel (K×M) and Cᵀ = B·Aᵀ runs on the broadcast
// tiles, then Cᵀ is transposed into C. The two copies move m·k + m·n floats, against m·n·k multiply-adds;
// transposing B instead would move n·k (a whole weight, larger than L2 for 784×256).
public static unsafe partial class Gemm
{
    [ThreadStatic]
    private static float[]? t_packed;

    /// <summary>
    /// Whether A·Bᵀ of this shape goes through <see cref="PackedDot"/>: only with 16 registers and 256-bit
    /// vectors, and only where the copies are small beside the product (at least 16 multiply-adds per
    /// copied float) and both of C's sides fill a vector.
    /// </summary>
    private static bool UsePackedDot(int m, int n, int k) =>
        !ManyRegisters && Vector256.IsHardwareAccelerated
        && m >= Vector256<float>.Count && n >= Vector256<float>.Count && k >= 16
        && (long)m * n * k >= 16L * (((long)m * k) + ((long)m * n));

    /// <summary>C (+)= A·Bᵀ as (B·Aᵀ)ᵀ on the broadcast tiles; A is M×K, B is N×K, both row-major.</summary>
    private static void PackedDot(int m, int n, int k, float* a, float* b, float* c, bool accumulate, int kBlock)
    {
        // The panel's rows start on a cache line and are an odd number of lines apart: a column of tiles
        // reads 16 floats from each of up to KBlock rows, and with a stride of a power of two lines (m = 64:
        // 4 lines) those rows would fall into a sixteenth of L1's sets and evict each other (measured on
        // Linear's forward 64×256×784, copies included: 70 GFLOP/s at stride 64, 87 at stride 80).
        nint ld = PanelStride(m);
        long needed = ((long)k * ld) + ((long)n * m) + 16;
        float[]? scratch = t_packed;
        if (scratch is null || scratch.Length < needed)
        {
            t_packed = scratch = new float[Math.Max(needed, 2L * (scratch?.Length ?? 0))];
        }

        fixed (float* start = scratch)
        {
            float* at = (float*)(((nint)start + 63) & ~(nint)63);
            float* ct = at + ((nint)k * ld);
            Transpose(a, m, k, k, at, ld, accumulate: false);
            var whole = new Part
            {
                Kind = PartKind.PackedDotRows, M = m, N = n, K = k, First = 0, Rows = n, KBlock = kBlock,
                B = b, C = c, Accumulate = accumulate, PackedA = at, Ct = ct, Ld = ld,
            };
            if (!TryTwoThreads(whole))
            {
                Run(whole);
            }
        }
    }

    /// <summary>m rounded up to whole cache lines (16 floats), plus one more line when that is an even number of lines.</summary>
    private static nint PanelStride(int m)
    {
        int lines = (m + 15) / 16;
        return (lines % 2 == 0 ? lines + 1 : lines) * 16;
    }

    /// <summary>
    /// dst[j, i] = src[i, j] (or += when <paramref name="accumulate"/>) for a rows × cols source with row
    /// stride <paramref name="lds"/>; in 8 × 8 blocks through registers where AVX is there, element by
    /// element for the edges.
    /// </summary>
    private static void Transpose(float* src, int rows, int cols, nint lds, float* dst, nint ldd, bool accumulate)
    {
        int i = 0;
        if (Avx.IsSupported)
        {
            for (; i <= rows - 8; i += 8)
            {
                int j = 0;
                for (; j <= cols - 8; j += 8)
                {
                    Transpose8x8(src + (i * lds) + j, lds, dst + (j * ldd) + i, ldd, accumulate);
                }

                TransposeScalar(src + (i * lds), 8, j, cols, lds, dst + i, ldd, accumulate);
            }
        }

        TransposeScalar(src + (i * lds), rows - i, 0, cols, lds, dst + i, ldd, accumulate);
    }

    /// <summary>Rows 0..rows of src, columns from..to, transposed element by element.</summary>
    private static void TransposeScalar(float* src, int rows, int from, int to, nint lds, float* dst, nint ldd, bool accumulate)
    {
        for (nint i = 0; i < rows; i++)
        {
            for (nint j = from; j < to; j++)
            {
                float v = src[(i * lds) + j];
                float* d = dst + (j * ldd) + i;
                *d = accumulate ? *d + v : v;
            }
        }
    }

    /// <summary>One 8 × 8 block: unpack pairs of rows, shuffle pairs of pairs, swap 128-bit halves.</summary>
    private static void Transpose8x8(float* src, nint lds, float* dst, nint ldd, bool accumulate)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds);
        Vector256<float> r2 = Avx.LoadVector256(src + (2 * lds)), r3 = Avx.LoadVector256(src + (3 * lds));
        Vector256<float> r4 = Avx.LoadVector256(src + (4 * lds)), r5 = Avx.LoadVector256(src + (5 * lds));
        Vector256<float> r6 = Avx.LoadVector256(src + (6 * lds)), r7 = Avx.LoadVector256(src + (7 * lds));

        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);

        Store(dst, Avx.Permute2x128(s0, s4, 0x20), accumulate);
        Store(dst + ldd, Avx.Permute2x128(s1, s5, 0x20), accumulate);
        Store(dst + (2 * ldd), Avx.Permute2x128(s2, s6, 0x20), accumulate);
        Store(dst + (3 * ldd), Avx.Permute2x128(s3, s7, 0x20), accumulate);
        Store(dst + (4 * ldd), Avx.Permute2x128(s0, s4, 0x31), accumulate);
        Store(dst + (5 * ldd), Avx.Permute2x128(s1, s5, 0x31), accumulate);
        Store(dst + (6 * ldd), Avx.Permute2x128(s2, s6, 0x31), accumulate);
        Store(dst + (7 * ldd), Avx.Permute2x128(s3, s7, 0x31), accumulate);

        static void Store(float* d, Vector256<float> v, bool accumulate) =>
            Avx.Store(d, accumulate ? Avx.Add(Avx.LoadVector256(d), v) : v);
    }
}
