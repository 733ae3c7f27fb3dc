using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// Tile heights for a few rows (AVX-512 only). The 6-row tiles leave m mod 6 rows to a shorter tile; with
// m mod 6 = 2 that is a 2-row tile of 8 accumulators (2 × 4 vectors, or 2 × 4 dot products), whose 8 FMA
// chains barely cover the FMA latency and which reads B (a panel of it, or all of it) once more for only
// 2 rows. In a product of a few rows, such as 8×128×16 (A·B) or 8×16×128 (A·Bᵀ), that tile does a quarter
// of the FMAs in about a third of the time. So the last 8 rows go as two 4-row tiles (16 accumulators
// each) instead of 6 + 2: measured 5–7% faster on those two shapes, with and without accumulation, and
// level within noise on 14×16×128 A·Bᵀ, 14×128×16 A·B and 20×64×32 Aᵀ·B. (Four 4-row tiles for m = 16
// instead of 6 + 6 + 4 were faster on 16×128×8 Aᵀ·B when overwriting C but slower when accumulating.)
public static unsafe partial class Gemm
{
    /// <summary>
    /// How many of the last rows the broadcast tiles (<see cref="Rows{T, TOps, TX, TV}"/>) or the dot tiles
    /// (<see cref="Dot{T, TOps}"/>) take as 4-row tiles instead of 6-row tiles and a 2-row remainder: 8 when
    /// m mod 6 = 2 (m ≥ 8) on Vector512 with AVX-512, else 0.
    /// </summary>
    private static int FourRowTail<T>(int m)
        where T : struct =>
        typeof(T) == typeof(Vector512<float>) && Vector512.IsHardwareAccelerated && Avx512F.IsSupported && m >= 8 && m % 6 == 2 ? 8 : 0;
}
