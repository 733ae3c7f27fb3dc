using System;
using LayerGen.Tests.Layers.Exercises;
using Xunit;

namespace LayerGen.Tests.Layers.Fourier
{
    /// <summary>
    /// The same forward as <see cref="FourierHalf"/>, never constructed with constant sizes, so it only
    /// has the run-time-bounded kernel (FourierHalf's kernel is chosen by value, so at n = 48 it would
    /// run the specialised one).
    /// </summary>
    [Layer(Input = "[*, n]")]
    public partial class FourierHalfAnySize(int n)
    {
        private Tensor Forward(Tensor x) => Ops.FftHalf(x);
    }
}

namespace LayerGen.Tests.Layers
{
    using LayerGen.Tests.Layers.Fourier;

    /// <summary>
    /// Exercise 2 beyond the n = 64 fixture: n = 15 (odd), 48, 64, 100, 128 (the last power of two) and
    /// 200 (all by the float DFT matrix), 256 (radix 2) and 257 (Bluestein), each through the specialised
    /// kernel and the run-time-bounded one, against a naive double-precision DFT written here, its exact
    /// adjoint, and finite differences. Three rows, so the FFT paths that transform rows in pairs meet an
    /// odd one out.
    /// </summary>
    public class FourierTests
    {
        private const int Rows = 3;

        public FourierTests() => Tensor.ManualSeed(4815);

        /// <summary>One literal construction per size gives FourierHalf a specialised kernel for it.</summary>
        private static FourierHalf Specialised(int n) => n switch
        {
            15 => new FourierHalf(15),
            48 => new FourierHalf(48),
            64 => new FourierHalf(64),
            100 => new FourierHalf(100),
            128 => new FourierHalf(128),
            200 => new FourierHalf(200),
            256 => new FourierHalf(256),
            257 => new FourierHalf(257),
            _ => throw new ArgumentOutOfRangeException(nameof(n)),
        };

        [Theory]
        [InlineData(15)]
        [InlineData(48)]
        [InlineData(64)]
        [InlineData(100)]
        [InlineData(128)]
        [InlineData(200)]
        [InlineData(256)]
        [InlineData(257)]
        public void Specialised_kernel_matches_a_naive_dft_and_finite_differences(int n)
        {
            var layer = Specialised(n);
            Assert.Equal($"FourierHalf[n={n}]", layer.KernelName);
            CheckTransform(layer, n);
            FiniteDifferences.Check(layer, Tensor.Randn(Rows, n));
        }

        [Theory]
        [InlineData(15)]
        [InlineData(48)]
        [InlineData(64)]
        [InlineData(100)]
        [InlineData(128)]
        [InlineData(200)]
        [InlineData(256)]
        [InlineData(257)]
        public void Run_time_kernel_matches_a_naive_dft_and_finite_differences(int n)
        {
            var layer = new FourierHalfAnySize(n);
            Assert.Equal("FourierHalfAnySize[run-time sizes]", layer.KernelName);
            CheckTransform(layer, n);
            FiniteDifferences.Check(layer, Tensor.Randn(Rows, n));
        }

        /// <summary>torch prints X_0's imaginary part as 0.; a -0 shows as "-0.0000" in the printed tensor.</summary>
        [Theory]
        [InlineData(15)]
        [InlineData(64)]
        [InlineData(200)]
        [InlineData(256)]
        [InlineData(257)]
        public void The_zero_frequency_has_no_negative_zero_imaginary_part(int n)
        {
            var y = Specialised(n).Call(Tensor.Rand(2, n));
            Assert.False(float.IsNegative(y.Data[1]), "Im X_0 of the first row is -0");
            Assert.False(float.IsNegative(y.Data[n / 2 * 2 + 1]), "Im X_0 of the second row is -0");
        }

        [Fact]
        public void Every_leading_dimension_is_batch()
        {
            var layer = Specialised(15);
            var x = Tensor.Randn(2, 3, 15);
            var y = layer.Call(x);
            Assert.Equal([2, 3, 7, 2], y.Shape.ToArray());
            Assert.Equal(layer.Call(x.Reshape(6, 15)).Data, y.Data);
        }

        /// <summary>
        /// Output against X_k = Σ_t x_t e^{−2πikt/n}, and the input's gradient against the exact adjoint
        /// dx_t = Σ_k dRe_k cos(2πkt/n) − dIm_k sin(2πkt/n), both in double. The FFT paths work in double
        /// and round once (within 6e-8 of a number bounded by the row's L1 norm, Σ|x_t| or Σ|dy|); the float
        /// DFT matrix of small n is within 2.8e-7 of that norm (measured worst, FourierKernelsTests). 1e-6 of
        /// the norm leaves a margin and still catches a wrong twiddle or sign, which is off by O(norm / n).
        /// </summary>
        private static void CheckTransform(ILayer layer, int n)
        {
            int half = n / 2;
            var x = Tensor.Randn(Rows, n);
            x.RequiresGrad = true;
            var y = layer.Call(x);
            Assert.Equal([Rows, half, 2], y.Shape.ToArray());

            var dy = Tensor.Randn(Rows, half, 2);
            y.Backward(dy);

            for (int r = 0; r < Rows; r++)
            {
                var row = x.Data.AsSpan(r * n, n);
                var gradRow = dy.Data.AsSpan(r * 2 * half, 2 * half);
                double rowNorm = Sum(row), gradNorm = Sum(gradRow);
                for (int k = 0; k < half; k++)
                {
                    double re = 0, im = 0;
                    for (int t = 0; t < n; t++)
                    {
                        double angle = 2 * Math.PI * ((long)k * t % n) / n;
                        re += row[t] * Math.Cos(angle);
                        im -= row[t] * Math.Sin(angle);
                    }

                    Near(re, y.Data[(r * half + k) * 2], 1e-6 * rowNorm, $"n={n}: Re X[{r}, {k}]");
                    Near(im, y.Data[(r * half + k) * 2 + 1], 1e-6 * rowNorm, $"n={n}: Im X[{r}, {k}]");
                }

                for (int t = 0; t < n; t++)
                {
                    double grad = 0;
                    for (int k = 0; k < half; k++)
                    {
                        double angle = 2 * Math.PI * ((long)k * t % n) / n;
                        grad += gradRow[2 * k] * Math.Cos(angle) - gradRow[2 * k + 1] * Math.Sin(angle);
                    }

                    Near(grad, x.Grad!.Data[r * n + t], 1e-6 * gradNorm, $"n={n}: dx[{r}, {t}]");
                }
            }
        }

        private static double Sum(ReadOnlySpan<float> values)
        {
            double sum = 0;
            foreach (float v in values)
            {
                sum += Math.Abs(v);
            }

            return sum;
        }

        private static void Near(double expected, float actual, double tolerance, string what) =>
            Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: naive DFT {expected:G9}, generated kernel {actual:G9} (tolerance {tolerance:G3})");
    }
}
