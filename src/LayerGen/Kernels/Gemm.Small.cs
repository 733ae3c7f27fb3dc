using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// The choice of a small-shape path. A small network (batch 1–8) makes products of a few thousand
// multiply-adds, where the tiled kernels' fixed costs (contraction blocks, row and column remainders, one
// horizontal reduction per 4 dot products) are most of the time; these paths skip them.
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
                Gemv(n, k, a, b, c, accumulate);
                return true;
            }

            if (k == 8)
            {
                DotK8(m, n, a, b, c, accumulate);
                return true;
            }
        }

        return false;
    }
}
