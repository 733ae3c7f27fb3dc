using System;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Parameters;

/// <summary>
/// <see cref="Init.Orthogonal(Tensor, float)"/>: orthonormal rows or columns, and PyTorch's recipe (the Q of
/// a QR of normal draws with R's diagonal made positive, which is exactly Gram-Schmidt on those draws).
/// </summary>
/// <remarks>
/// Tolerance of WᵀW ≈ I: Q is computed in double and rounded to float (relative error 2⁻²⁴ ≈ 6·10⁻⁸ per
/// entry); a dot product of two unit columns of length m then errs by at most about 2·2⁻²⁴ plus the
/// double arithmetic (negligible), i.e. ~1.2·10⁻⁷; 1e-5 leaves two orders of margin for the sums, while a
/// non-orthogonal matrix misses by O(1).
/// </remarks>
[Collection(GlobalRandomCollection.Name)]
public sealed class InitOrthogonalTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(64, 16)]   // tall: columns orthonormal
    [InlineData(16, 64)]   // wide: rows orthonormal
    [InlineData(32, 32)]   // square: both
    [InlineData(1, 9)]
    [InlineData(9, 1)]
    public void Matrix_is_semi_orthogonal(int rows, int cols)
    {
        Tensor w = Init.Orthogonal(rows, cols);
        AssertSemiOrthogonal(w.Data, rows, cols, 1.0);
    }

    [Fact]
    public void Higher_rank_tensors_are_flattened_to_rows_by_the_rest()
    {
        // [8, 2, 3, 4] is 8 × 24: its 8 rows are orthonormal.
        Tensor w = Init.Orthogonal(8, 2, 3, 4);
        Assert.Equal([8, 2, 3, 4], w.Shape.ToArray());
        AssertSemiOrthogonal(w.Data, 8, 24, 1.0);
    }

    [Fact]
    public void Gain_scales_the_matrix()
    {
        Tensor w = Init.Orthogonal(Tensor.Zeros(20, 10), 2.5f);
        AssertSemiOrthogonal(w.Data, 20, 10, 2.5 * 2.5);
        AssertSemiOrthogonal(Init.Orthogonal(0.5f, 6, 12).Data, 6, 12, 0.25);
    }

    [Theory]
    [InlineData(12, 5)]
    [InlineData(5, 12)]
    public void Result_is_gram_schmidt_of_the_same_normal_draws(int rows, int cols)
    {
        // PyTorch: q, r = qr(A); q *= sign(diag(r)). With R's diagonal positive the QR is unique, and
        // Gram-Schmidt (in double) computes exactly that Q. A is the draws, transposed when wide.
        Tensor.ManualSeed(99);
        float[] draws = Tensor.Randn(rows, cols).Data;
        Tensor.ManualSeed(99);
        Tensor w = Init.Orthogonal(rows, cols);

        bool wide = rows < cols;
        int m = wide ? cols : rows, n = wide ? rows : cols;
        var a = new double[m, n];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                if (wide)
                {
                    a[c, r] = draws[r * cols + c];
                }
                else
                {
                    a[r, c] = draws[r * cols + c];
                }
            }
        }

        double[,] q = GramSchmidt(a, m, n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float actual = wide ? w[j, i] : w[i, j];
                Assert.True(Math.Abs(actual - q[i, j]) <= 1e-5, $"({i}, {j}): {actual} vs Gram-Schmidt {q[i, j]}");
            }
        }
    }

    [Fact]
    public void Vectors_are_rejected_as_in_pytorch()
    {
        var e = Assert.Throws<ArgumentException>(() => Init.Orthogonal(Tensor.Zeros(5)));
        Assert.Contains("2 or more dimensions", e.Message, StringComparison.Ordinal);
    }

    private static void AssertSemiOrthogonal(float[] w, int rows, int cols, double expectedDiagonal)
    {
        // Gram matrix of the shorter side: rows (WWᵀ) when wide, columns (WᵀW) when tall.
        bool byRows = rows <= cols;
        int k = byRows ? rows : cols, length = byRows ? cols : rows;
        for (int p = 0; p < k; p++)
        {
            for (int q = 0; q < k; q++)
            {
                double dot = 0;
                for (int t = 0; t < length; t++)
                {
                    double x = byRows ? w[p * cols + t] : w[t * cols + p];
                    double y = byRows ? w[q * cols + t] : w[t * cols + q];
                    dot += x * y;
                }

                double expected = p == q ? expectedDiagonal : 0;
                Assert.True(Math.Abs(dot - expected) <= Tolerance * Math.Max(1, expectedDiagonal),
                    $"{rows}x{cols}: Gram[{p}, {q}] = {dot:G9}, expected {expected}");
            }
        }
    }

    private static double[,] GramSchmidt(double[,] a, int m, int n)
    {
        var q = new double[m, n];
        for (int j = 0; j < n; j++)
        {
            var v = new double[m];
            for (int i = 0; i < m; i++)
            {
                v[i] = a[i, j];
            }

            for (int k = 0; k < j; k++) // modified Gram-Schmidt: project out each earlier column in turn
            {
                double dot = 0;
                for (int i = 0; i < m; i++)
                {
                    dot += q[i, k] * v[i];
                }

                for (int i = 0; i < m; i++)
                {
                    v[i] -= dot * q[i, k];
                }
            }

            double norm = 0;
            foreach (double x in v)
            {
                norm += x * x;
            }

            norm = Math.Sqrt(norm);
            for (int i = 0; i < m; i++)
            {
                q[i, j] = v[i] / norm;
            }
        }

        return q;
    }
}
