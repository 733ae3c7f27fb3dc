using System;
using LayerGen.Kernels;
using Xunit;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// The oracle of <see cref="FourierKernelsTests"/>: a naive double-precision DFT and its adjoint, random
/// rows, and the two error measures (relative to the largest coefficient for the double-precision FFT plans,
/// to the row's L1 norm for the float DFT matrix; see that class's remarks).
/// </summary>
internal static class FourierOracle
{
    internal const double Tolerance = 1e-6;

    internal static float[] RandomRows(int rows, int length, int seed, float[]? magnitudes = null)
    {
        var random = new Random(seed);
        var data = new float[rows * length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(random.NextDouble() * 2 - 1) * (magnitudes?[i / length] ?? 1f);
        }

        return data;
    }

    /// <summary>X_k = Σ_t x_t e^{-2πikt/n} for k &lt; n/2, interleaved, with exact angles (kt reduced mod n).</summary>
    internal static double[] NaiveFftHalf(int rows, int n, float[] x)
    {
        int h = n / 2;
        var y = new double[rows * 2 * h];
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < h; k++)
            {
                for (int t = 0; t < n; t++)
                {
                    double angle = 2 * Math.PI * ((long)k * t % n) / n;
                    y[r * 2 * h + 2 * k] += x[r * n + t] * Math.Cos(angle);
                    y[r * 2 * h + 2 * k + 1] -= x[r * n + t] * Math.Sin(angle);
                }
            }
        }

        return y;
    }

    /// <summary>g_t = Σ_{k&lt;h} (dRe_k cos(2πkt/n) − dIm_k sin(2πkt/n)), the brief's formula.</summary>
    internal static double[] NaiveAdjoint(int rows, int n, float[] dy)
    {
        int h = n / 2;
        var g = new double[rows * n];
        for (int r = 0; r < rows; r++)
        {
            for (int t = 0; t < n; t++)
            {
                for (int k = 0; k < h; k++)
                {
                    double angle = 2 * Math.PI * ((long)k * t % n) / n;
                    g[r * n + t] += dy[r * 2 * h + 2 * k] * Math.Cos(angle) - dy[r * 2 * h + 2 * k + 1] * Math.Sin(angle);
                }
            }
        }

        return g;
    }

    /// <summary>The largest |value| in a row (complex pairs counted as components), at least a tiny floor.</summary>
    internal static double Scale(ReadOnlySpan<double> row)
    {
        double scale = 1e-30;
        foreach (double v in row)
        {
            scale = Math.Max(scale, Math.Abs(v));
        }

        return scale;
    }

    /// <summary>The forward check of the path <see cref="FourierKernels"/> takes for n.</summary>
    internal static void AssertForward(double[] expected, float[] actual, int rows, int n, float[] x)
    {
        if (DftMatrix.Covers(n))
        {
            AssertMatrixMatches(expected, actual, rows, n, x);
        }
        else
        {
            AssertMatches(expected, actual, rows, n);
        }
    }

    /// <summary>The adjoint check of the path <see cref="FourierKernels"/> takes for n.</summary>
    internal static void AssertAdjoint(double[] expected, float[] actual, int rows, int n, float[] dy)
    {
        if (DftMatrix.Covers(n))
        {
            AssertMatrixAdjointMatches(expected, actual, rows, n, dy);
        }
        else
        {
            AssertAdjointMatches(expected, actual, rows, n, dy);
        }
    }

    /// <summary>The sum of |value| over a row.</summary>
    internal static double L1(ReadOnlySpan<float> row)
    {
        double sum = 1e-30;
        foreach (float v in row)
        {
            sum += Math.Abs(v);
        }

        return sum;
    }

    /// <summary>Float arithmetic: relative to the input row's L1 norm (see the class remarks).</summary>
    internal static void AssertMatrixMatches(double[] expected, float[] actual, int rows, int n, float[] x)
    {
        int width = 2 * (n / 2);
        for (int r = 0; r < rows; r++)
        {
            double scale = L1(x.AsSpan(r * n, n));
            for (int i = r * width; i < (r + 1) * width; i++)
            {
                double error = Math.Abs(actual[i] - expected[i]) / scale;
                Assert.True(error <= Tolerance, $"n={n} row {r} element {i - r * width}: {actual[i]} vs {expected[i]} (error {error:E2} of the row's L1 norm)");
            }
        }
    }

    /// <summary>
    /// Float arithmetic: relative to the gradient row's L1 norm plus the largest exact result (the += adds
    /// one rounding of the result itself).
    /// </summary>
    internal static void AssertMatrixAdjointMatches(double[] expected, float[] actual, int rows, int n, float[] dy)
    {
        int width = 2 * (n / 2);
        for (int r = 0; r < rows; r++)
        {
            double scale = L1(dy.AsSpan(r * width, width)) + Scale(expected.AsSpan(r * n, n));
            for (int i = r * n; i < (r + 1) * n; i++)
            {
                double error = Math.Abs(actual[i] - expected[i]) / scale;
                Assert.True(error <= Tolerance, $"n={n} row {r} element {i - r * n}: {actual[i]} vs {expected[i]} (error {error:E2} of |dy|₁ + max|result|)");
            }
        }
    }

    /// <summary>Double arithmetic rounded once: relative to the row's largest exact coefficient.</summary>
    internal static void AssertMatches(double[] expected, float[] actual, int rows, int n)
    {
        int width = 2 * (n / 2);
        for (int r = 0; r < rows; r++)
        {
            double scale = Scale(expected.AsSpan(r * width, width));
            for (int i = r * width; i < (r + 1) * width; i++)
            {
                double error = Math.Abs(actual[i] - expected[i]) / scale;
                Assert.True(error <= Tolerance, $"n={n} row {r} element {i - r * width}: {actual[i]} vs {expected[i]} (relative error {error:E2})");
            }
        }
    }

    /// <summary>Double arithmetic: relative to the row's largest exact gradient or |dy| component, whichever is larger.</summary>
    internal static void AssertAdjointMatches(double[] expected, float[] actual, int rows, int n, float[] dy)
    {
        int width = 2 * (n / 2);
        for (int r = 0; r < rows; r++)
        {
            double scale = Scale(expected.AsSpan(r * n, n));
            for (int k = 0; k < width; k++)
            {
                scale = Math.Max(scale, Math.Abs(dy[r * width + k]));
            }

            for (int i = r * n; i < (r + 1) * n; i++)
            {
                double error = Math.Abs(actual[i] - expected[i]) / scale;
                Assert.True(error <= Tolerance, $"n={n} row {r} element {i - r * n}: {actual[i]} vs {expected[i]} (relative error {error:E2})");
            }
        }
    }
}
