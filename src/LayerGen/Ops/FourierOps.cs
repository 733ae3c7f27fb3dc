using System;

namespace LayerGen;

/// <summary>
/// The eager reference for <c>FftHalf</c>: the first n/2 DFT coefficients along the last axis, by the
/// definition (O(n^2) in double), as the oracle the generated FFTs are checked against.
/// </summary>
/// <remarks>
/// <code>
/// x [..., n]  ->  y [..., n/2, 2],  n/2 = floor(n/2),  y[..., k, 0] = Re X_k,  y[..., k, 1] = Im X_k
/// X_k = sum_t x_t e^(-2 pi i k t / n)        (torch.fft.fft: no normalisation)
///     = sum_t x_t cos(2 pi k t / n)  -  i sum_t x_t sin(2 pi k t / n)
/// dx_t = sum_k dRe_k cos(2 pi k t / n)  -  dIm_k sin(2 pi k t / n)
/// </code>
/// The backward is the adjoint of that real-linear map (the transpose of its matrix). Angles are
/// taken as 2 pi ((k t) mod n) / n from a table of n cosines and sines, so large k t lose nothing.
/// </remarks>
internal static class FourierOps
{
    public static Tensor FftHalf(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0)
        {
            throw new ArgumentException("FftHalf transforms the last axis; a 0-d tensor has none.", nameof(x));
        }

        int n = x.Size(-1);
        int half = n / 2;
        int rows = n == 0 ? 0 : x.Count / n;
        (double[] cos, double[] sin) = Twiddles(n);

        var y = new float[rows * half * 2];
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < half; k++)
            {
                double re = 0, im = 0;
                for (int t = 0; t < n; t++)
                {
                    int m = (int)((long)k * t % n);
                    double v = x.Data[r * n + t];
                    re += v * cos[m];
                    im -= v * sin[m];
                }

                y[(r * half + k) * 2] = (float)re;
                y[(r * half + k) * 2 + 1] = (float)im;
            }
        }

        int[] shape = [.. x.Shape[..^1], half, 2];
        Tensor result = Tensor.Wrap(y, shape);
        if (GradMode.IsEnabled && x.RequiresGrad)
        {
            result.SetGradFn(new FftHalfBackward(x, rows, n, cos, sin));
        }

        return result;
    }

    /// <summary>cos and sin of 2 pi m / n for m = 0..n-1.</summary>
    private static (double[] Cos, double[] Sin) Twiddles(int n)
    {
        var cos = new double[n];
        var sin = new double[n];
        for (int m = 0; m < n; m++)
        {
            double angle = 2 * Math.PI * m / n;
            cos[m] = Math.Cos(angle);
            sin[m] = Math.Sin(angle);
        }

        return (cos, sin);
    }

    private sealed class FftHalfBackward(Tensor x, int rows, int n, double[] cos, double[] sin) : GradFn("FftHalfBackward0", x)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is not { } grad)
            {
                return;
            }

            int half = n / 2;
            for (int r = 0; r < rows; r++)
            {
                for (int t = 0; t < n; t++)
                {
                    double sum = 0;
                    for (int k = 0; k < half; k++)
                    {
                        int m = (int)((long)k * t % n);
                        int at = (r * half + k) * 2;
                        sum += outputGrad[at] * cos[m] - outputGrad[at + 1] * sin[m];
                    }

                    grad[r * n + t] += (float)sum;
                }
            }
        }
    }
}
