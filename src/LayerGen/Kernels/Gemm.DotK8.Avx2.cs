using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// The A·Bᵀ path for a contraction of exactly 8 with 256-bit vectors (AVX2 + FMA without AVX-512): Linear(8, n)'s
// forward x·Wᵀ. As in Gemm.DotK8.cs, a dot product of 8 would need a horizontal sum per output; instead each block of
// 8 rows of B (8 × 8, 64 contiguous floats) is transposed in registers — the usual 8 × 8 transpose: unpack pairs of
// rows, shuffle pairs of those, swap 128-bit halves, 24 shuffles — so that register p holds column p of the block,
// and every row of A then makes 8 outputs with 8 broadcast FMAs. The tiled kernels instead ran 2 × 4 dot tiles and
// one horizontal reduction per 4 outputs: Linear(8, 128)'s forward on 4 rows took 4.5× the hand-written AVX2 one.
public static unsafe partial class Gemm
{
    /// <summary>
    /// C (+)= A·Bᵀ with k = 8 and n ≥ 8 on 256-bit vectors: per block of 8 rows of B (the last ends at row n and
    /// overlaps the previous one; its shared outputs are stored only once), transpose, then every row of A.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotK8Avx2(int m, int n, float* a, float* b, float* c, bool accumulate)
    {
        const int W = 8;
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

            // Rows 2q and 2q+1 interleaved: (r0[0], r1[0], r0[1], r1[1] | r0[4], r1[4], r0[5], r1[5]) and the high pairs.
            Vector256<float> r0 = Avx.LoadVector256(bj), r1 = Avx.LoadVector256(bj + 8);
            Vector256<float> u0 = Avx.UnpackLow(r0, r1), u1 = Avx.UnpackHigh(r0, r1);
            r0 = Avx.LoadVector256(bj + 16);
            r1 = Avx.LoadVector256(bj + 24);
            Vector256<float> u2 = Avx.UnpackLow(r0, r1), u3 = Avx.UnpackHigh(r0, r1);
            r0 = Avx.LoadVector256(bj + 32);
            r1 = Avx.LoadVector256(bj + 40);
            Vector256<float> u4 = Avx.UnpackLow(r0, r1), u5 = Avx.UnpackHigh(r0, r1);
            r0 = Avx.LoadVector256(bj + 48);
            r1 = Avx.LoadVector256(bj + 56);
            Vector256<float> u6 = Avx.UnpackLow(r0, r1), u7 = Avx.UnpackHigh(r0, r1);

            // Four rows per 128-bit half: columns p and p + 4 of rows 0–3 (s0…s3) and of rows 4–7 (s4…s7).
            Vector256<float> s0 = Avx.Shuffle(u0, u2, 0x44), s1 = Avx.Shuffle(u0, u2, 0xEE);
            Vector256<float> s2 = Avx.Shuffle(u1, u3, 0x44), s3 = Avx.Shuffle(u1, u3, 0xEE);
            Vector256<float> s4 = Avx.Shuffle(u4, u6, 0x44), s5 = Avx.Shuffle(u4, u6, 0xEE);
            Vector256<float> s6 = Avx.Shuffle(u5, u7, 0x44), s7 = Avx.Shuffle(u5, u7, 0xEE);

            // The low halves give columns 0–3, the high halves columns 4–7: t(p) is column p of the block.
            Vector256<float> t0 = Avx.Permute2x128(s0, s4, 0x20), t4 = Avx.Permute2x128(s0, s4, 0x31);
            Vector256<float> t1 = Avx.Permute2x128(s1, s5, 0x20), t5 = Avx.Permute2x128(s1, s5, 0x31);
            Vector256<float> t2 = Avx.Permute2x128(s2, s6, 0x20), t6 = Avx.Permute2x128(s2, s6, 0x31);
            Vector256<float> t3 = Avx.Permute2x128(s3, s7, 0x20), t7 = Avx.Permute2x128(s3, s7, 0x31);

            K8Rows<Vector256<float>, Ops256>(m, n, a, c + j, t0, t1, t2, t3, t4, t5, t6, t7, accumulate, tailLanes);

            if (j == lastBlock)
            {
                return;
            }
        }
    }
}
