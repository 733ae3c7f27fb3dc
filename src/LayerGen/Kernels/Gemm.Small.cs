using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// The choice of a small-shape path. A small network (batch 1–8) makes products of a few thousand
// multiply-adds, where the tiled kernels' fixed costs (contraction blocks, row and column remainders, one
// horizontal reduction per 4 dot products) are most of the time; these paths skip them. Most of them are
// bound by writing C or reading B rather than by FMAs, and a managed array is only 8–16-byte aligned, so the
// grid paths place the stores of C (or the loads of B) on 64-byte boundaries instead of on the rows.
public static unsafe partial class Gemm
{
    /// <summary>
    /// Runs the product on a small-shape path if one fits (arguments already checked, m, n, k &gt; 0); false
    /// leaves it to the tiled kernels.
    /// </summary>
    private static bool TrySmall(int m, int n, int k, float* a, bool transposeA, float* b, bool transposeB, float* c, bool accumulate)
    {
        if (transposeB && !transposeA && Vector512.IsHardwareAccelerated && Avx512F.IsSupported && n >= Vector512<float>.Count)
        {
            if (m == 1 && k >= Vector512<float>.Count)
            {
                // On the grid a row costs k/16 + 1 vector loads instead of k/16 straddling ones: measured a
                // win from k = 48 (64×48: 54 ns against 59; 64×64: 63 against 74), a loss at k = 32.
                if (k % Vector512<float>.Count == 0 && k >= 3 * Vector512<float>.Count && IsFloatAligned(b))
                {
                    GemvGrid(n, k, a, b, c, accumulate);
                }
                else
                {
                    Gemv(n, k, a, b, c, accumulate);
                }

                return true;
            }

            if (k == 8)
            {
                DotK8(m, n, a, b, c, accumulate);
                return true;
            }
        }

        // The same k = 8 product on 256-bit vectors where AVX-512 is not accelerated (or n < 16).
        if (transposeB && !transposeA && k == 8 && n >= Vector256<float>.Count && Vector256.IsHardwareAccelerated && Avx.IsSupported && Fma.IsSupported)
        {
            DotK8Avx2(m, n, a, b, c, accumulate);
            return true;
        }

        if (!transposeB && Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            if (k <= 4 && n % Vector512<float>.Count == 0 && IsFloatAligned(c))
            {
                nint rowStep = transposeA ? 1 : k, kStep = transposeA ? m : 1;
                if (accumulate)
                {
                    ShortK<AddTo>(m, n, k, a, rowStep, kStep, b, c);
                }
                else
                {
                    ShortK<Overwrite>(m, n, k, a, rowStep, kStep, b, c);
                }

                return true;
            }

            // One row of A is stored the same way for A·B and Aᵀ·B.
            if (m == 1 && n % Vector512<float>.Count == 0 && IsFloatAligned(b))
            {
                VecMat(n, k, a, b, c, accumulate);
                return true;
            }

            // With k = 1 the stored A is the same for A·B and Aᵀ·B.
            if (k <= 4 && n == 8 && (transposeA || k == 1) && IsFloatAligned(c))
            {
                if (accumulate)
                {
                    EightColumns<AddTo>(m, k, a, b, c);
                }
                else
                {
                    EightColumns<Overwrite>(m, k, a, b, c);
                }

                return true;
            }
        }

        // n = 8 for a batch of up to 8 rows, or any number of rows over a contraction of at most 8 (Linear(8, n)'s
        // weight gradient for a small batch): a row of C is one 256-bit vector (AVX2 with FMA is enough).
        if (!transposeB && n == 8 && (m <= 8 || k <= 8) && Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            EightWide(m, k, a, transposeA ? 1 : k, transposeA ? m : 1, b, c, accumulate);
            return true;
        }

        // One row of A (a batch of one) on 256-bit vectors where the AVX-512 paths above did not run.
        if (m == 1 && !transposeA && n >= Vector256<float>.Count && Vector256.IsHardwareAccelerated && Avx.IsSupported && Fma.IsSupported)
        {
            if (transposeB && k >= Vector256<float>.Count)
            {
                OneRowTimesBTransposedAvx2(n, k, a, b, c, accumulate);
                return true;
            }

            if (!transposeB && n != 8 && k > 4)
            {
                OneRowTimesBAvx2(n, k, a, b, c, accumulate);
                return true;
            }
        }

        // A contraction of 1–4 (outer products, weight gradients of a batch of 1–4) where the AVX-512 path above did
        // not run: row by row on 256-bit vectors.
        if (!transposeB && k <= 4 && n > 8 && Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            ShortKAvx2(m, n, k, a, transposeA ? 1 : k, transposeA ? m : 1, b, c, accumulate);
            return true;
        }

        return false;
    }

    /// <summary>Picks the <see cref="EightColumns{TK, TAcc}"/> instantiation for k (1–4).</summary>
    private static void EightColumns<TAcc>(int m, int k, float* a, float* b, float* c)
        where TAcc : struct
    {
        switch (k)
        {
            case 1: EightColumns<C1, TAcc>(m, a, b, c); break;
            case 2: EightColumns<C2, TAcc>(m, a, b, c); break;
            case 3: EightColumns<C3, TAcc>(m, a, b, c); break;
            default: EightColumns<C4, TAcc>(m, a, b, c); break;
        }
    }

    /// <summary>
    /// Whether <paramref name="p"/> is on a float boundary, so the 64-byte grid falls between elements: the
    /// grid paths need it for the operand they align to (a span cast from bytes might not be).
    /// </summary>
    private static bool IsFloatAligned(float* p) => ((nint)p & (sizeof(float) - 1)) == 0;

    /// <summary>Picks the <see cref="ShortK{TK, TAcc}"/> instantiation for k (1–4).</summary>
    private static void ShortK<TAcc>(int m, int n, int k, float* a, nint rowStep, nint kStep, float* b, float* c)
        where TAcc : struct
    {
        switch (k)
        {
            case 1: ShortK<C1, TAcc>(m, n, a, rowStep, kStep, b, c); break;
            case 2: ShortK<C2, TAcc>(m, n, a, rowStep, kStep, b, c); break;
            case 3: ShortK<C3, TAcc>(m, n, a, rowStep, kStep, b, c); break;
            default: ShortK<C4, TAcc>(m, n, a, rowStep, kStep, b, c); break;
        }
    }
}
