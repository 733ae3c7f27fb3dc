using System.Linq;
using LayerGen.Kernels;
using Xunit;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// The 4-row tiles that replace a 6-row tile and a 2-row remainder for the last 8 rows when m mod 6 = 2
/// (m ≥ 8, AVX-512; Gemm.FewRows.cs), in both tiled kernels: m at and around the rule (7, 8, 9 and 13, 14,
/// 15, 20), n and k with and without vector tails, every transpose combination that reaches them, with and
/// without accumulation, contraction blocks, operands off the 64-byte grid, and infinities in the
/// overlapped tails. Without AVX-512 the same cases check the 6-row tiles.
/// </summary>
public sealed partial class GemmTests
{
    private static readonly int[] FewRowCounts = [2, 4, 6, 7, 8, 9, 12, 13, 14, 15, 16, 20, 26];

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Few_rows_match_around_the_four_row_tiles(bool transposeA, bool transposeB, bool accumulate)
    {
        int seed = 7000;
        foreach (int m in FewRowCounts)
        {
            foreach (int n in new[] { 3, 16, 17, 33, 64, 65, 128 })
            {
                foreach (int k in new[] { 1, 7, 16, 17, 33, 128, 130 })
                {
                    Check(new Case(m, n, k, transposeA, transposeB, accumulate, seed++));
                }
            }
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Few_rows_match_across_contraction_blocks(bool transposeA, bool transposeB)
    {
        // Blocks after the first add to C, so the 4-row tiles must accumulate from the second block on.
        int seed = 7500;
        foreach (int m in new[] { 8, 14 })
        {
            foreach (bool accumulate in new[] { false, true })
            {
                Check(new Case(m, 40, 37, transposeA, transposeB, accumulate, seed++), kBlock: 10);
                Check(new Case(m, 16, 100, transposeA, transposeB, accumulate, seed++), kBlock: 64);
            }
        }
    }

    [Theory]
    [InlineData(8, 128, 16, false, false)] // the bilinear layer's T = x·W
    [InlineData(16, 128, 8, true, false)] // its dW = xᵀ·dT
    [InlineData(8, 16, 128, false, true)] // its dX = dT·Wᵀ
    [InlineData(14, 19, 33, false, true)]
    [InlineData(8, 19, 5, true, false)]
    public void Few_rows_match_at_every_offset(int m, int n, int k, bool transposeA, bool transposeB)
    {
        for (int offset = 0; offset < 16; offset++)
        {
            CheckAtOffset(new Case(m, n, k, transposeA, transposeB, Accumulate: false, Seed: 7800 + offset), offset);
            CheckAtOffset(new Case(m, n, k, transposeA, transposeB, Accumulate: true, Seed: 7900 + offset), offset);
        }
    }

    [Theory]
    [InlineData(8, false, false)]
    [InlineData(8, true, false)]
    [InlineData(8, false, true)]
    [InlineData(14, false, true)]
    [InlineData(20, true, false)]
    public void Infinity_in_a_few_rows_stays_in_its_row(int m, bool transposeA, bool transposeB)
    {
        // n = 19 and k = 17: the last column vector (A·B) or contraction step (A·Bᵀ) overlaps the previous
        // one and masks the lanes already done; an infinity in A there must reach only its row of C, once.
        const int n = 19, k = 17;
        foreach (int row in new[] { m - 8, m - 5, m - 4, m - 1 })
        {
            foreach (int at in new[] { 0, 1, 15, 16 })
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    var a = Enumerable.Repeat(0.5f, m * k + Padding).ToArray();
                    var b = Enumerable.Repeat(2f, k * n + Padding).ToArray();
                    a[transposeA ? at * m + row : row * k + at] = float.PositiveInfinity;
                    var c = Padded(Filled(m * n, accumulate ? 1f : float.NaN));

                    Gemm.MatMul(m, n, k, a, transposeA, b, transposeB, c, accumulate);

                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            float expected = i == row ? float.PositiveInfinity : k + (accumulate ? 1f : 0f);
                            Assert.True(expected == c[i * n + j], $"{m}×{n}×{k} ∞ at row {row}, step {at}: C[{i}, {j}] = {c[i * n + j]}, expected {expected}.");
                        }
                    }

                    Assert.All(c.Skip(m * n), v => Assert.True(float.IsNaN(v), "C's padding was written."));
                }
            }
        }
    }
}
