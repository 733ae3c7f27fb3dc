using System.Linq;
using LayerGen.Kernels;
using Xunit;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// The small-shape paths of <see cref="Gemm.MatMul"/> (A·Bᵀ with one row of A and k ≥ 16; A·Bᵀ with k = 8;
/// both for n ≥ 16 with AVX-512, the second also for n ≥ 8 with AVX2; A·B and Aᵀ·B with n = 8 and m ≤ 8 with AVX2) at and around their limits, against the same naive double-precision
/// product: the sizes just inside and just outside each path, n and k with and without tails, with and
/// without accumulation. Without AVX-512 (DOTNET_EnableAVX512=0; on .NET 10 DOTNET_EnableAVX512F=0 does
/// not disable it) the same cases check the tiled kernels.
/// </summary>
public sealed partial class GemmTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void One_row_times_B_transposed_matches(bool accumulate)
    {
        int seed = 1000;
        foreach (int m in new[] { 1, 2 })
        {
            foreach (int n in new[] { 1, 15, 16, 17, 31, 32, 33, 47, 64, 70 })
            {
                foreach (int k in new[] { 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100 })
                {
                    Check(new Case(m, n, k, TransposeA: false, TransposeB: true, accumulate, seed++));
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void One_row_times_B_matches(bool accumulate)
    {
        // dY·W for a batch of one: the AVX-512 grid path for n a multiple of 16, the 256-bit one for n ≥ 9 and k ≥ 5
        // (blocks of 32 columns, then 8, then single columns); k ≤ 4 and n = 8 belong to other paths.
        int seed = 1500;
        foreach (int n in new[] { 8, 9, 15, 16, 31, 32, 33, 40, 64, 70 })
        {
            foreach (int k in new[] { 4, 5, 8, 9, 64, 100 })
            {
                Check(new Case(1, n, k, TransposeA: false, TransposeB: false, accumulate, seed++));
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Contraction_of_eight_times_B_transposed_matches(bool accumulate)
    {
        int seed = 2000;
        foreach (int m in new[] { 1, 2, 3, 4, 5, 6, 7, 17 })
        {
            // n ≥ 16 takes the AVX-512 path where Vector512 is accelerated, n ≥ 8 the 256-bit one otherwise (and
            // n = 8–15 on AVX-512 machines); 7 is outside both, 9 and 12 end in a block overlapping the first.
            foreach (int n in new[] { 7, 8, 9, 12, 15, 16, 17, 18, 31, 32, 33, 128, 130 })
            {
                foreach (int k in new[] { 7, 8, 9 })
                {
                    Check(new Case(m, n, k, TransposeA: false, TransposeB: true, accumulate, seed++));
                }
            }
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Eight_columns_for_up_to_eight_rows_match(bool transposeA, bool accumulate)
    {
        // n = 8 and m ≤ 8 run one 256-bit vector per row of C, two rows at a time (odd m: a last single row),
        // four contraction steps per loop (k mod 4: a tail); n = 7, 9 are just outside the path, m = 9 and longer
        // (a weight gradient Xᵀ·dY of Linear(·, 8)) take it only when k ≤ 8.
        int seed = 4000;
        foreach (int m in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 17, 128 })
        {
            foreach (int n in new[] { 7, 8, 9 })
            {
                foreach (int k in new[] { 1, 2, 3, 4, 5, 7, 16, 17, 64, 66 })
                {
                    Check(new Case(m, n, k, transposeA, TransposeB: false, accumulate, seed++));
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 17, false)]
    [InlineData(1, 17, true)]
    [InlineData(1, 40, false)]
    [InlineData(3, 8, false)]
    [InlineData(3, 8, true)]
    public void Infinity_in_an_overlapped_row_of_B_stays_in_its_output(int m, int k, bool accumulate)
    {
        // n = 19: the last block of 16 rows of B starts at row 3 and overlaps the first, whose outputs must
        // not be added twice; k = 17 or 40: the last contraction step overlaps the previous one and must mask
        // the lanes already summed in both operands (∞·0 = NaN).
        const int n = 19;
        foreach (int row in new[] { 2, 3, 15, 18 })
        {
            foreach (int at in new[] { 0, k / 2, k - 1 })
            {
                var a = Enumerable.Repeat(0.5f, m * k).ToArray();
                var b = Enumerable.Repeat(2f, n * k).ToArray();
                b[row * k + at] = float.PositiveInfinity;
                var c = Enumerable.Repeat(accumulate ? 1f : float.NaN, m * n).ToArray();

                Gemm.MatMul(m, n, k, a, false, b, true, c, accumulate);

                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        float expected = j == row ? float.PositiveInfinity : k + (accumulate ? 1f : 0f);
                        Assert.Equal(expected, c[i * n + j]);
                    }
                }
            }
        }
    }
}
