using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

// The A·B and Aᵀ·B path for a contraction of 1–4 steps with 256-bit vectors (AVX2 + FMA without AVX-512, where
// Gemm.ShortK.cs does not run): a weight gradient dYᵀ·X for a batch of 1–4, an outer product. There are k FMAs per
// 8 outputs, so the time is the loads and stores of C; the broadcast tiles spent most of it on their contraction
// blocks and remainders (64×64×1 accumulated: 0.88 µs there on a Zen 4 with AVX-512 off, against 0.20 on the
// AVX-512 path). Each row of C is k broadcasts and one pass of whole vectors along it, its last n mod 8 columns
// one by one (an overlapping vector would add the shared columns twice when accumulating).
public static unsafe partial class Gemm
{
    /// <summary>
    /// C (+)= op(A)·B for k = Unsafe.SizeOf&lt;TK&gt;() ≤ 4, B K×N row-major, C M×N; op(A)(r, p) = a[r·rowStep + p·kStep].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ShortKAvx2<TK, TAcc>(int m, int n, float* a, nint rowStep, nint kStep, float* b, float* c)
        where TK : struct
        where TAcc : struct
    {
        const int W = 8;
        int k = Unsafe.SizeOf<TK>();
        nint nn = n, whole = nn - (nn % W);
        float* b1 = b + nn, b2 = b1 + nn, b3 = b2 + nn;
        for (nint r = 0; r < m; r++)
        {
            float* ar = a + (r * rowStep);
            float* cr = c + (r * nn);
            float s0 = ar[0], s1 = k > 1 ? ar[kStep] : 0f, s2 = k > 2 ? ar[2 * kStep] : 0f, s3 = k > 3 ? ar[3 * kStep] : 0f;
            Vector256<float> a0 = Vector256.Create(s0), a1 = Vector256.Create(s1), a2 = Vector256.Create(s2), a3 = Vector256.Create(s3);
            nint j = 0;
            for (; j < whole; j += W)
            {
                Vector256<float> sum = a0 * Vector256.Load(b + j);
                if (k > 1)
                {
                    sum = Vector256.FusedMultiplyAdd(a1, Vector256.Load(b1 + j), sum);
                }

                if (k > 2)
                {
                    sum = Vector256.FusedMultiplyAdd(a2, Vector256.Load(b2 + j), sum);
                }

                if (k > 3)
                {
                    sum = Vector256.FusedMultiplyAdd(a3, Vector256.Load(b3 + j), sum);
                }

                (typeof(TAcc) == typeof(AddTo) ? Vector256.Load(cr + j) + sum : sum).Store(cr + j);
            }

            for (; j < nn; j++)
            {
                float sum = s0 * b[j];
                if (k > 1)
                {
                    sum = MathF.FusedMultiplyAdd(s1, b1[j], sum);
                }

                if (k > 2)
                {
                    sum = MathF.FusedMultiplyAdd(s2, b2[j], sum);
                }

                if (k > 3)
                {
                    sum = MathF.FusedMultiplyAdd(s3, b3[j], sum);
                }

                cr[j] = typeof(TAcc) == typeof(AddTo) ? cr[j] + sum : sum;
            }
        }
    }

    /// <summary>Picks the <see cref="ShortKAvx2{TK, TAcc}"/> instantiation for k (1–4) and the accumulate flag.</summary>
    private static void ShortKAvx2(int m, int n, int k, float* a, nint rowStep, nint kStep, float* b, float* c, bool accumulate)
    {
        if (accumulate)
        {
            ShortKAvx2<AddTo>(m, n, k, a, rowStep, kStep, b, c);
        }
        else
        {
            ShortKAvx2<Overwrite>(m, n, k, a, rowStep, kStep, b, c);
        }
    }

    private static void ShortKAvx2<TAcc>(int m, int n, int k, float* a, nint rowStep, nint kStep, float* b, float* c)
        where TAcc : struct
    {
        switch (k)
        {
            case 1: ShortKAvx2<C1, TAcc>(m, n, a, rowStep, kStep, b, c); break;
            case 2: ShortKAvx2<C2, TAcc>(m, n, a, rowStep, kStep, b, c); break;
            case 3: ShortKAvx2<C3, TAcc>(m, n, a, rowStep, kStep, b, c); break;
            default: ShortKAvx2<C4, TAcc>(m, n, a, rowStep, kStep, b, c); break;
        }
    }
}
