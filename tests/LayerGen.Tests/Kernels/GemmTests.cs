using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CsCheck;
using LayerGen.Kernels;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// <see cref="Gemm.MatMul"/> against a naive double-precision triple loop: random and hand-picked sizes
/// (around the vector widths 4, 8, 16 and the tile sizes 6 rows × 4 vectors, 6 × 4 dot products) for all
/// four transpose combinations, with and without accumulation; the network shapes it is for; tails with
/// infinities; no allocation once warm; argument validation.
/// </summary>
/// <remarks>
/// Tolerance: 1e-6 · (K · max|A| · max|B| + max|C₀|), about eight float roundings of the worst-case sum;
/// a float-precision reordering of the sum stays far inside it, a wrong or missing term does not.
/// Every operand span is longer than its operand and padded with NaN, so reading past an operand (or the
/// wrong element) shows; C is NaN-filled when overwritten, and its padding must stay untouched.
/// </remarks>
public sealed partial class GemmTests
{
    private const int Padding = 37;

    private static readonly int[] SpecialSizes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 70];

    private static readonly Gen<int> Size = Gen.Frequency((3, Gen.Int[0, 70]), (2, Gen.OneOf(SpecialSizes.Select(Gen.Const).ToArray())));

    public sealed record Case(int M, int N, int K, bool TransposeA, bool TransposeB, bool Accumulate, int Seed)
    {
        public override string ToString() =>
            $"{M}×{N}×{K} {(TransposeA ? "T" : "N")}{(TransposeB ? "T" : "N")}{(Accumulate ? " +=" : string.Empty)} seed {Seed}";
    }

    private static readonly Gen<Case> Cases = Gen.Select(Size, Size, Size, Gen.Int[0, 7], Gen.Int,
        (m, n, k, flags, seed) => new Case(m, n, k, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, seed));

    public static IEnumerable<object[]> Combinations() =>
        from ta in new[] { false, true }
        from tb in new[] { false, true }
        from acc in new[] { false, true }
        select new object[] { ta, tb, acc };

    [Fact]
    public void Random_sizes_match_the_naive_product()
    {
        Cases.Sample(t => Check(t), iter: 1500, seed: "4Lq3mO2W2Yx1");
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Sizes_around_the_vector_and_tile_widths_match(bool transposeA, bool transposeB, bool accumulate)
    {
        int[] sizes = [0, 1, 7, 15, 16, 17, 33, 64, 65];
        int seed = 0;
        foreach (int m in sizes)
        {
            foreach (int n in sizes)
            {
                foreach (int k in sizes)
                {
                    Check(new Case(m, n, k, transposeA, transposeB, accumulate, seed++));
                }
            }
        }
    }

    /// <summary>
    /// The internal overload with short contraction blocks (DftMatrix sums in blocks of 16 for accuracy):
    /// block sums are added to C, so every block after the first must accumulate, including when the caller
    /// overwrites, and the equalised blocks must still cover every step of k.
    /// </summary>
    [Theory]
    [MemberData(nameof(Combinations))]
    public void Short_contraction_blocks_match(bool transposeA, bool transposeB, bool accumulate)
    {
        int[] sizes = [1, 7, 16, 17, 33, 64];
        int seed = 0;
        foreach (int kBlock in new[] { 1, 5, 16 })
        {
            foreach (int m in sizes)
            {
                foreach (int n in sizes)
                {
                    foreach (int k in sizes)
                    {
                        Check(new Case(m, n, k, transposeA, transposeB, accumulate, seed++), kBlock);
                    }
                }
            }
        }

        var ok = new float[16];
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MatMul(2, 2, 2, ok, false, ok, false, ok, false, kBlock: 0));
    }

    [Theory]
    [InlineData(64, 256, 784, false, true)] // Linear forward x·Wᵀ
    [InlineData(64, 784, 256, false, false)] // dX = dY·W
    [InlineData(256, 784, 64, true, false)] // dW = dYᵀ·X
    [InlineData(64, 256, 784, false, false)]
    [InlineData(64, 256, 784, true, true)]
    [InlineData(64, 10, 256, false, true)] // classifier head
    [InlineData(67, 129, 300, false, true)] // with 16 registers: A packed, edges of the 8 × 8 transposes on every side
    [InlineData(256, 64, 32, false, true)] // with 16 registers: packed, a short contraction
    [InlineData(2, 8, 64, false, false)]
    [InlineData(1, 1, 1000, false, true)] // one long dot product, several contraction blocks
    [InlineData(3, 5, 600, false, false)] // contraction blocks of the broadcast kernel with a thin tile
    [InlineData(100, 3, 700, true, false)]
    public void Network_shapes_match(int m, int n, int k, bool transposeA, bool transposeB)
    {
        Check(new Case(m, n, k, transposeA, transposeB, Accumulate: false, Seed: m + n + k));
        Check(new Case(m, n, k, transposeA, transposeB, Accumulate: true, Seed: m * n * k));
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Infinities_in_the_tails_give_infinities_not_NaN(bool transposeA, bool transposeB, bool accumulate)
    {
        // K = 17 and N = 19 leave one element past a whole Vector512 and 3 past a Vector128: the tails are
        // steps that overlap the previous vector and mask the lanes already done. An infinity inside the
        // overlap must not be counted twice (∞·0 = NaN) nor dropped.
        foreach (int infAt in new[] { 0, 1, 15, 16 })
        {
            const int m = 7, n = 19, k = 17;
            var a = Filled(m * k, 0.5f);
            var b = Filled(k * n, 2f);
            a[transposeA ? infAt * m + 3 : 3 * k + infAt] = float.PositiveInfinity;
            var c = Filled(m * n, accumulate ? 1f : float.NaN);

            Gemm.MatMul(m, n, k, a, transposeA, b, transposeB, c, accumulate);

            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float expected = i == 3 ? float.PositiveInfinity : k + (accumulate ? 1f : 0f);
                    Assert.Equal(expected, c[i * n + j]);
                }
            }
        }
    }

    [Fact]
    public void Zero_contraction_clears_or_keeps_C()
    {
        var c = Filled(6, 3f);
        Gemm.MatMul(2, 3, 0, [], false, [], true, c, accumulate: true);
        Assert.All(c, v => Assert.Equal(3f, v));

        Gemm.MatMul(2, 3, 0, [], false, [], true, c, accumulate: false);
        Assert.All(c, v => Assert.Equal(0f, v));

        Gemm.MatMul(0, 3, 5, [], true, Filled(15, 1f), false, [], accumulate: false);
        Gemm.MatMul(3, 0, 5, Filled(15, 1f), false, [], false, [], accumulate: false);
    }

    [Fact]
    public void Warmed_up_calls_allocate_nothing()
    {
        (int M, int N, int K)[] shapes = [(64, 256, 784), (64, 10, 256), (2, 8, 64), (17, 33, 65), (1, 1, 1)];
        var buffers = shapes.Select(s => (s, a: Filled(s.M * s.K, 0.25f), b: Filled(s.K * s.N, 0.5f), c: new float[s.M * s.N])).ToArray();
        var combinations = Combinations().Select(x => ((bool)x[0], (bool)x[1], (bool)x[2])).ToArray();
        void RunAll()
        {
            foreach (var ((m, n, k), a, b, c) in buffers)
            {
                foreach (var (transposeA, transposeB, accumulate) in combinations)
                {
                    Gemm.MatMul(m, n, k, a, transposeA, b, transposeB, c, accumulate);
                }
            }
        }

        Assert.Equal(0, Allocations.AfterWarmUp(RunAll, calls: 5));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Threads_get_identical_results(bool transposeA)
    {
        // Aᵀ·Bᵀ goes through a per-thread buffer, and so does A·Bᵀ where A is packed (16 registers); the
        // other paths have no shared state at all.
        const int m = 33, n = 47, k = 70, threads = 4;
        var a = RandomValues(m * k, new Random(1));
        var b = RandomValues(k * n, new Random(2));
        var expected = new float[m * n];
        Gemm.MatMul(m, n, k, a, transposeA, b, true, expected, false);
        var results = new float[threads][];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var c = new float[m * n];
            start.SignalAndWait();
            for (int repeat = 0; repeat < 50; repeat++)
            {
                Gemm.MatMul(m, n, k, a, transposeA, b, true, c, false);
            }

            results[t] = c;
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Short_spans_and_negative_sizes_are_rejected()
    {
        var ok = new float[12];
        var tooShort = new float[11];
        var ex = Assert.Throws<ArgumentException>(() => Gemm.MatMul(3, 4, 4, tooShort, false, ok, false, ok, false));
        Assert.Equal("a", ex.ParamName);
        Assert.Contains("3×4", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.MatMul(4, 3, 3, tooShort, true, ok, true, ok, false));
        Assert.Equal("a", ex.ParamName);
        Assert.Contains("3×4", ex.Message); // stored K×M
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => Gemm.MatMul(3, 4, 3, ok, false, tooShort, false, ok, false)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => Gemm.MatMul(3, 4, 3, ok, false, tooShort, true, ok, false)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => Gemm.MatMul(3, 4, 1, ok, false, ok, false, tooShort, true)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => Gemm.MatMul(3, 4, 0, ok, false, ok, false, tooShort, false)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MatMul(-1, 4, 3, ok, false, ok, false, ok, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MatMul(3, -4, 3, ok, false, ok, false, ok, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MatMul(3, 4, -3, ok, false, ok, false, ok, false));
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Gemm.MatMul(70000, 70000, 70000, ok, false, ok, false, ok, false)).ParamName); // m·k overflows int
    }

    /// <param name="kBlock">0: the public MatMul; else the internal overload with this contraction block.</param>
    private static void Check(Case t, int kBlock = 0)
    {
        var (a0, b0, c0) = Operands(t);
        float[] a = Padded(a0), b = Padded(b0), c = Padded(c0);
        if (kBlock == 0)
        {
            Gemm.MatMul(t.M, t.N, t.K, a, t.TransposeA, b, t.TransposeB, c, t.Accumulate);
        }
        else
        {
            Gemm.MatMul(t.M, t.N, t.K, a, t.TransposeA, b, t.TransposeB, c, t.Accumulate, kBlock);
        }

        AssertMatchesDoubleProduct(t, a0, b0, c0, c, kBlock > 0 ? $"{t} kBlock {kBlock}" : t.ToString());
        for (int p = t.M * t.N; p < c.Length; p++)
        {
            Assert.True(float.IsNaN(c[p]), $"{t}: C's padding at {p} was written.");
        }
    }

    /// <summary>
    /// A, B and the initial C of a case: rows of different magnitudes, so a term from the wrong row or column
    /// is visible; C is NaN when it is to be overwritten, so an element read before it is written shows.
    /// </summary>
    private static (float[] A, float[] B, float[] C) Operands(Case t)
    {
        var random = new Random(t.Seed);
        float[] a = RandomValues(t.M * t.K, random, scale: 1f + 3f * random.NextSingle());
        float[] b = RandomValues(t.K * t.N, random, scale: 0.1f + random.NextSingle());
        float[] c0 = t.Accumulate ? RandomValues(t.M * t.N, random, scale: 10f) : Filled(t.M * t.N, float.NaN);
        return (a, b, c0);
    }

    /// <summary>
    /// C (its first M·N elements) against the product computed in double from the same floats, within a
    /// tolerance that grows with k and the operands' magnitudes.
    /// </summary>
    private static void AssertMatchesDoubleProduct(Case t, float[] a, float[] b, float[] c0, ReadOnlySpan<float> c, string what)
    {
        var (m, n, k) = (t.M, t.N, t.K);
        double maxA = MaxAbs(a, m * k), maxB = MaxAbs(b, k * n), maxC = t.Accumulate ? MaxAbs(c0, m * n) : 0;
        double tolerance = 1e-6 * ((k * maxA * maxB) + maxC) + 1e-30;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = t.Accumulate ? c0[i * n + j] : 0;
                for (int kk = 0; kk < k; kk++)
                {
                    sum += (double)a[t.TransposeA ? kk * m + i : i * k + kk] * b[t.TransposeB ? j * k + kk : kk * n + j];
                }

                double error = Math.Abs(sum - c[i * n + j]);
                if (!(error <= tolerance))
                {
                    Assert.Fail($"{what}: C[{i}, {j}] = {c[i * n + j]} but the double-precision product is {sum} (tolerance {tolerance:G3}).");
                }
            }
        }
    }

    private static float[] RandomValues(int length, Random random, float scale = 1f)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = scale * (2f * random.NextSingle() - 1f);
        }

        return values;
    }

    private static float[] Padded(float[] values)
    {
        var padded = Filled(values.Length + Padding, float.NaN);
        values.CopyTo(padded, 0);
        return padded;
    }

    private static float[] Filled(int length, float value)
    {
        var values = new float[length];
        Array.Fill(values, value);
        return values;
    }

    private static double MaxAbs(float[] values, int length)
    {
        double max = 0;
        for (int i = 0; i < length; i++)
        {
            max = Math.Max(max, Math.Abs(values[i]));
        }

        return max;
    }
}
