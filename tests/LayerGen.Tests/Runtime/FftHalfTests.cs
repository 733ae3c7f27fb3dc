using System;
using System.Numerics;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// Ops.FftHalf against an independent DFT (System.Numerics.Complex, angles computed directly rather
/// than from the op's reduced-angle table) for the sizes the issue names, and its edge sizes.
/// </summary>
public sealed class FftHalfTests
{
    [Theory]
    [InlineData(15)]
    [InlineData(48)]
    [InlineData(100)]
    [InlineData(2)]
    [InlineData(3)]
    public void Matches_a_naive_double_precision_dft(int n)
    {
        Tensor x = EagerGradCheck.Uniform(new Random(n), [3, n]);
        Tensor y = Ops.FftHalf(x);
        Assert.Equal([3, n / 2, 2], y.Shape.ToArray());

        for (int r = 0; r < 3; r++)
        {
            for (int k = 0; k < n / 2; k++)
            {
                Complex sum = Complex.Zero;
                for (int t = 0; t < n; t++)
                {
                    sum += x[r, t] * Complex.Exp(new Complex(0, -2 * Math.PI * k * t / n));
                }

                // Float output of sums of |X_k| <~ n: rounding of the result plus the reference's own
                // angle error (~n * 1e-16 * k t), far below 1e-5 relative to sqrt(n).
                double tolerance = 1e-6 * Math.Sqrt(n) * 4;
                Assert.Equal(sum.Real, y[r, k, 0], tolerance);
                Assert.Equal(sum.Imaginary, y[r, k, 1], tolerance);
            }
        }
    }

    [Fact]
    public void Constant_and_cosine_inputs_have_their_known_spectra()
    {
        // A constant c over n points: X_0 = n c, the rest 0. cos(2 pi 3 t / n): X_3 = n / 2.
        const int n = 16;
        Tensor ones = Tensor.Full(0.5f, 1, n);
        Tensor y = Ops.FftHalf(ones);
        Assert.Equal(8f, y[0, 0, 0], 1e-6f);
        for (int k = 1; k < n / 2; k++)
        {
            Assert.Equal(0f, y[0, k, 0], 1e-6f);
            Assert.Equal(0f, y[0, k, 1], 1e-6f);
        }

        var cosine = new Tensor(n);
        for (int t = 0; t < n; t++)
        {
            cosine.Data[t] = (float)Math.Cos(2 * Math.PI * 3 * t / n);
        }

        Tensor spectrum = Ops.FftHalf(cosine);
        Assert.Equal([n / 2, 2], spectrum.Shape.ToArray());
        Assert.Equal(n / 2f, spectrum[3, 0], 1e-5f);
        Assert.Equal(0f, spectrum[3, 1], 1e-5f);
    }

    [Fact]
    public void Sizes_below_two_give_no_coefficients_and_a_scalar_is_refused()
    {
        Assert.Equal([4, 0, 2], Ops.FftHalf(Tensor.Ones(4, 1)).Shape.ToArray());
        Assert.Equal([2, 0, 2], Ops.FftHalf(Tensor.Ones(2, 0)).Shape.ToArray());
        Assert.Throws<ArgumentException>(() => Ops.FftHalf(Tensor.From(1f).Reshape()));
    }
}
