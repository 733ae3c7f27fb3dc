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
/// <see cref="FourierKernels"/> against a naive double-precision DFT: every algorithm (the float DFT matrix,
/// radix-2, Bluestein) at every size, the adjoint by the dot-product identity and its explicit formula,
/// += semantics, no allocations once warm, and concurrent use.
/// </summary>
/// <remarks>
/// <para>
/// Two error measures, one per kind of arithmetic. The FFT plans compute in double and round once to
/// float, so their errors are about one float rounding (≤ ~6e-8) of the row's largest exact coefficient
/// (<see cref="FourierOracle.AssertMatches"/>); the tolerance, 1e-6 of that, leaves room without letting a float-precision
/// algorithm pass. The matrix path (<see cref="DftMatrix"/>, small n) computes in float: each multiply-add
/// rounds relative to its running sum, so its error is bounded by the row's L1 norm Σ_t |x_t| (Σ|dy| for the
/// adjoint), not by the result, which cancellation can make arbitrarily small (n = 3, X_0 = x_0 + x_1 + x_2).
/// Measured worst 2.8e-7 of the L1 norm forward and 1.8e-7 adjoint over every n it covers; the tolerance is
/// 1e-6 of it (<see cref="FourierOracle.AssertMatrixMatches"/>), which a wrong entry (off by about L1 / n) still fails.
/// Tests through the public entry points use the measure of the path n takes.
/// </para>
/// </remarks>
public sealed class FourierKernelsTests
{
    /// <summary>Each side of each switch: matrix to 128 and 255, radix 2 from 256, Bluestein from 257.</summary>
    public static readonly TheoryData<int> Sizes = new()
    {
        1, 2, 3, 7, 8, 15, 16, 48, 64, 100,
        DftMatrix.PowerOfTwoLimit, DftMatrix.PowerOfTwoLimit + 1, 2 * DftMatrix.PowerOfTwoLimit,
        DftMatrix.OtherLimit - 1, DftMatrix.OtherLimit + 1, 1000,
    };

    private static readonly int[] AllSizes = [1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 32, 48, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257, 1000, 1024];

    /// <summary>Every FFT algorithm at every size it can run, including sizes where it is not the default.</summary>
    public static IEnumerable<object[]> PlanCases() =>
        AllSizes.SelectMany(n => new[] { FftAlgorithm.Radix2, FftAlgorithm.Bluestein }
            .Where(a => a != FftAlgorithm.Radix2 || (n & (n - 1)) == 0)
            .Select(a => new object[] { n, a.ToString() }));

    /// <summary>The matrix at every size (n ≥ 2), also beyond the limits where it is not the default.</summary>
    public static IEnumerable<object[]> MatrixSizes() => AllSizes.Where(n => n >= 2).Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FftHalf_matches_a_naive_double_DFT(int n)
    {
        // Rows of very different magnitudes: the FFT paths transform rows in pairs, and a large row
        // must not swamp its small partner. Five rows leave the last one unpaired.
        float[] x = FourierOracle.RandomRows(5, n, seed: n, magnitudes: [1f, 1e4f, 1e-4f, 3f, 0.5f]);
        var output = new float[5 * 2 * (n / 2)];
        Array.Fill(output, float.NaN); // overwritten, not accumulated

        FourierKernels.FftHalf(5, n, x, output);

        FourierOracle.AssertForward(FourierOracle.NaiveFftHalf(5, n, x), output, 5, n, x);
    }

    [Theory]
    [MemberData(nameof(PlanCases))]
    public void Every_algorithm_matches_the_naive_DFT_forward_and_adjoint(int n, string algorithm)
    {
        var plan = new FftPlan(n, Enum.Parse<FftAlgorithm>(algorithm));
        int h = n / 2;
        foreach (int rows in new[] { 1, 2, 3 })
        {
            float[] x = FourierOracle.RandomRows(rows, n, seed: 7 * n + rows);
            var output = new float[rows * 2 * h];
            FourierKernels.FftHalf(plan, rows, x, output);
            FourierOracle.AssertMatches(FourierOracle.NaiveFftHalf(rows, n, x), output, rows, n);

            float[] dy = FourierOracle.RandomRows(rows, 2 * h, seed: 11 * n + rows);
            var grad = new float[rows * n];
            FourierKernels.FftHalfAdjoint(plan, rows, dy, grad);
            FourierOracle.AssertAdjointMatches(FourierOracle.NaiveAdjoint(rows, n, dy), grad, rows, n, dy);
        }
    }

    [Theory]
    [MemberData(nameof(MatrixSizes))]
    public void The_matrix_matches_the_naive_DFT_forward_and_adjoint(int n)
    {
        var matrix = new DftMatrix(n);
        int h = n / 2;
        foreach (int rows in new[] { 1, 2, 3, 7 }) // thin and full tiles of the product
        {
            float[] x = FourierOracle.RandomRows(rows, n, seed: 13 * n + rows);
            var output = new float[rows * 2 * h + 5];
            Array.Fill(output, float.NaN); // overwritten, and the 5 past the rows untouched
            matrix.Forward(rows, x, output);
            FourierOracle.AssertMatrixMatches(FourierOracle.NaiveFftHalf(rows, n, x), output, rows, n, x);
            Assert.All(output[^5..], v => Assert.True(float.IsNaN(v)));

            float[] dy = FourierOracle.RandomRows(rows, 2 * h, seed: 17 * n + rows);
            float[] initial = FourierOracle.RandomRows(rows, n, seed: 19 * n + rows);
            var grad = (float[])initial.Clone();
            matrix.Adjoint(rows, dy, grad);
            double[] expected = FourierOracle.NaiveAdjoint(rows, n, dy);
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] += initial[i];
            }

            FourierOracle.AssertMatrixAdjointMatches(expected, grad, rows, n, dy);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FftHalfAdjoint_accumulates_the_explicit_formula(int n)
    {
        int h = n / 2;
        float[] dy = FourierOracle.RandomRows(4, 2 * h, seed: 100 + n, magnitudes: [1f, 1e3f, 1e-3f, 2f]);
        float[] initial = FourierOracle.RandomRows(4, n, seed: 200 + n);
        var grad = (float[])initial.Clone();

        FourierKernels.FftHalfAdjoint(4, n, dy, grad);

        double[] expected = FourierOracle.NaiveAdjoint(4, n, dy);
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] += initial[i];
        }

        FourierOracle.AssertAdjoint(expected, grad, 4, n, dy);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Adjoint_satisfies_the_dot_product_identity(int n)
    {
        int h = n / 2, rows = 3;
        float[] x = FourierOracle.RandomRows(rows, n, seed: 300 + n);
        float[] dy = FourierOracle.RandomRows(rows, 2 * h, seed: 400 + n);
        var y = new float[rows * 2 * h];
        var dx = new float[rows * n];

        FourierKernels.FftHalf(rows, n, x, y);
        FourierKernels.FftHalfAdjoint(rows, n, dy, dx);

        // <FftHalf(x), dy> = <x, FftHalfAdjoint(dy)>, in double, relative to the sums of |terms|.
        double left = 0, right = 0, size = 0;
        for (int i = 0; i < y.Length; i++)
        {
            left += (double)y[i] * dy[i];
            size += Math.Abs((double)y[i] * dy[i]);
        }

        for (int i = 0; i < x.Length; i++)
        {
            right += (double)x[i] * dx[i];
            size += Math.Abs((double)x[i] * dx[i]);
        }

        Assert.True(Math.Abs(left - right) <= FourierOracle.Tolerance * size, $"n={n}: <Fx, dy> = {left}, <x, F*dy> = {right}");
    }

    [Fact]
    public void Adjoint_adds_to_existing_gradients_and_a_zero_gradient_changes_nothing()
    {
        foreach (int n in new[] { 7, 64, 100, 200, 1000 }) // matrix with and without Mᵀ, Bluestein
        {
            int h = n / 2;
            float[] dy = FourierOracle.RandomRows(2, 2 * h, seed: n);
            var once = new float[2 * n];
            FourierKernels.FftHalfAdjoint(2, n, dy, once);
            var twice = new float[2 * n];
            FourierKernels.FftHalfAdjoint(2, n, dy, twice);
            FourierKernels.FftHalfAdjoint(2, n, dy, twice);
            for (int i = 0; i < once.Length; i++)
            {
                Assert.Equal(2 * once[i], twice[i], 1e-5f * (1 + Math.Abs(once[i])));
            }

            float[] grad = FourierOracle.RandomRows(2, n, seed: 1 + n);
            var before = (float[])grad.Clone();
            FourierKernels.FftHalfAdjoint(2, n, new float[2 * 2 * h], grad);
            Assert.Equal(before, grad);
        }
    }

    [Fact]
    public void Elements_past_the_rows_are_untouched_and_n_0_and_1_have_no_coefficients()
    {
        float[] x = FourierOracle.RandomRows(2, 100, seed: 5);
        var output = new float[2 * 100 + 3];
        Array.Fill(output, 42f);
        FourierKernels.FftHalf(2, 100, x, output);
        Assert.Equal([42f, 42f, 42f], output[^3..]);

        var grad = new float[] { 1f, 2f, 3f };
        FourierKernels.FftHalf(3, 1, grad, Span<float>.Empty);
        FourierKernels.FftHalfAdjoint(3, 1, ReadOnlySpan<float>.Empty, grad);
        Assert.Equal([1f, 2f, 3f], grad);

        FourierKernels.FftHalf(0, 64, ReadOnlySpan<float>.Empty, Span<float>.Empty);
        FourierKernels.FftHalf(4, 0, ReadOnlySpan<float>.Empty, Span<float>.Empty); // an empty last axis
        FourierKernels.FftHalfAdjoint(4, 0, ReadOnlySpan<float>.Empty, Span<float>.Empty);
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FourierKernels.FftHalf(1, -1, new float[1], new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FourierKernels.FftHalf(-1, 4, new float[4], new float[4]));
        Assert.Throws<ArgumentException>(() => FourierKernels.FftHalf(2, 8, new float[15], new float[16]));
        Assert.Throws<ArgumentException>(() => FourierKernels.FftHalf(2, 8, new float[16], new float[15]));
        Assert.Throws<ArgumentException>(() => FourierKernels.FftHalfAdjoint(2, 7, new float[11], new float[14]));
        Assert.Throws<ArgumentException>(() => FourierKernels.FftHalfAdjoint(2, 7, new float[12], new float[13]));
    }

    [Fact]
    public void The_measured_thresholds_choose_the_algorithms()
    {
        Assert.False(DftMatrix.Covers(0));
        Assert.False(DftMatrix.Covers(1));
        Assert.True(DftMatrix.Covers(2));
        Assert.True(DftMatrix.Covers(3));
        Assert.True(DftMatrix.Covers(DftMatrix.PowerOfTwoLimit));
        Assert.False(DftMatrix.Covers(2 * DftMatrix.PowerOfTwoLimit));
        Assert.True(DftMatrix.Covers(DftMatrix.PowerOfTwoLimit + 1));
        Assert.True(DftMatrix.Covers(DftMatrix.OtherLimit - 1));
        Assert.False(DftMatrix.Covers(DftMatrix.OtherLimit + 1));
        Assert.Equal(FftAlgorithm.Radix2, FftPlan.ChooseAlgorithm(2 * DftMatrix.PowerOfTwoLimit));
        Assert.Equal(FftAlgorithm.Radix2, FftPlan.ChooseAlgorithm(1024));
        Assert.Equal(FftAlgorithm.Bluestein, FftPlan.ChooseAlgorithm(DftMatrix.OtherLimit + 1));
        Assert.Equal(FftAlgorithm.Bluestein, FftPlan.ChooseAlgorithm(1000));
        Assert.Same(DftMatrix.Get(48), DftMatrix.Get(48));
        Assert.Same(FftPlan.Get(1000), FftPlan.Get(1000));
    }

    [Fact]
    public void Warmed_up_calls_allocate_nothing()
    {
        // One size per path (matrix with Mᵀ, matrix without, Bluestein, radix 2) and some more;
        // GetAllocatedBytesForCurrentThread ignores other threads.
        int[] sizes = [3, 16, 48, 64, 100, 200, 1000, 1024];
        var buffers = sizes.Select(n => (n, x: FourierOracle.RandomRows(3, n, seed: n), y: new float[3 * 2 * (n / 2)], g: new float[3 * n])).ToArray();
        Assert.Equal(0, Allocations.AfterWarmUp(
            () =>
            {
                foreach (var (n, x, y, g) in buffers)
                {
                    FourierKernels.FftHalf(3, n, x, y);
                    FourierKernels.FftHalfAdjoint(3, n, y, g);
                }
            },
            calls: 20));
    }

    [Fact]
    public void Threads_sharing_plans_get_identical_results()
    {
        // Sizes no other test uses, so the threads also race to build the plans.
        int[] sizes = [37, 96, 250, 512, 999];
        const int threads = 6;
        var inputs = sizes.Select(n => FourierOracle.RandomRows(3, n, seed: n)).ToArray();
        var results = new float[threads][][];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(w => new Thread(() =>
        {
            start.SignalAndWait();
            results[w] = new float[sizes.Length * 2][];
            for (int repeat = 0; repeat < 20; repeat++)
            {
                for (int s = 0; s < sizes.Length; s++)
                {
                    int i = (s + w) % sizes.Length, n = sizes[i]; // each thread in its own order
                    var y = new float[3 * 2 * (n / 2)];
                    var g = new float[3 * n];
                    FourierKernels.FftHalf(3, n, inputs[i], y);
                    FourierKernels.FftHalfAdjoint(3, n, y, g);
                    results[w][2 * i] = y;
                    results[w][2 * i + 1] = g;
                }
            }
        })).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        for (int i = 0; i < sizes.Length; i++)
        {
            FourierOracle.AssertForward(FourierOracle.NaiveFftHalf(3, sizes[i], inputs[i]), results[0][2 * i], 3, sizes[i], inputs[i]);
            for (int w = 1; w < threads; w++)
            {
                Assert.Equal(results[0][2 * i], results[w][2 * i]);
                Assert.Equal(results[0][2 * i + 1], results[w][2 * i + 1]);
            }
        }
    }

    [Fact]
    public void Random_sizes_and_rows_match_the_naive_DFT_and_its_adjoint()
    {
        // CsCheck runs samples on several threads at once, which exercises the per-thread scratch too.
        Gen.Select(Gen.Int[1, 300], Gen.Int[1, 4], Gen.Int).Sample((n, rows, seed) =>
        {
            float[] x = FourierOracle.RandomRows(rows, n, seed);
            var y = new float[rows * 2 * (n / 2)];
            FourierKernels.FftHalf(rows, n, x, y);
            FourierOracle.AssertForward(FourierOracle.NaiveFftHalf(rows, n, x), y, rows, n, x);

            var g = new float[rows * n];
            FourierKernels.FftHalfAdjoint(rows, n, y, g);
            FourierOracle.AssertAdjoint(FourierOracle.NaiveAdjoint(rows, n, y), g, rows, n, y);
        }, iter: 300);
    }
}
