using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.InteropServices;

namespace LayerGen.Kernels;

/// <summary>
/// The real-input FFT that generated layer kernels call: the first half of the spectrum of each row,
/// and its adjoint for the backward pass.
/// </summary>
/// <remarks>
/// <para>
/// <b>Conventions.</b> Each of <c>rows</c> rows holds n real values x_t. Its spectrum is
/// X_k = Σ_{t&lt;n} x_t e^{-2πikt/n}, as <c>torch.fft.fft</c> (no normalisation). Only the first
/// h = n / 2 (rounded down) coefficients are written, as interleaved (re, im) pairs: row r's output
/// starts at <c>r·2h</c>, and coefficient k is at [2k] (Re) and [2k+1] (Im). n = 0 and n = 1 have h = 0,
/// so nothing is written (or accumulated). Spans may be longer than needed; the extra elements are not touched.
/// </para>
/// <para>
/// <b>Algorithms.</b> Small n (n ≤ <see cref="DftMatrix.PowerOfTwoLimit"/> for powers of two, else
/// n ≤ <see cref="DftMatrix.OtherLimit"/>) multiply by the precomputed float DFT matrix
/// (<see cref="DftMatrix"/>: a register-blocked matrix product beats an FFT there). Larger n use one shared,
/// immutable <see cref="FftPlan"/> per n, built on first use: iterative radix-2 Cooley–Tukey for powers of
/// two, Bluestein's chirp-z (a convolution done with power-of-two FFTs of size ≥ 2n − 1) otherwise. The
/// FFT paths transform two real rows at once as one complex row (x + iy) and separate the spectra by
/// their Hermitian symmetry, which halves the work.
/// </para>
/// <para>
/// <b>Accuracy.</b> The matrix path computes in float: against a double-precision DFT of the same float
/// inputs its error is within 2.8e-7 of the row's L1 norm Σ_t |x_t| forward and 1.8e-7 of Σ|outputGrad|
/// for the adjoint (measured worst over every n it covers; float sums err relative to their terms, not
/// to a result that cancellation may make small). The FFT paths use double tables and arithmetic and round
/// to float once, at the end: within about one float rounding of the row's largest value (measured ≤ 6e-8
/// relative, forward and adjoint, n ≤ 1024).
/// </para>
/// <para>
/// <b>Threads and allocation.</b> Matrices and plans are shared lock-free; the FFT paths give each
/// thread its own grow-only scratch ([ThreadStatic]), so concurrent calls are safe, and once a thread has
/// called with a given n (or a larger one needing more scratch) further calls allocate nothing.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FourierKernels
{
    [ThreadStatic]
    private static double[]? t_scratch;

    /// <summary>
    /// Writes X_k for k &lt; n/2 of each of <paramref name="rows"/> rows of n real values, as interleaved
    /// (re, im) floats; overwrites <paramref name="output"/>[0 .. rows·2·(n/2)].
    /// </summary>
    public static void FftHalf(int rows, int n, ReadOnlySpan<float> input, Span<float> output)
    {
        CheckArguments(rows, n, input.Length, output.Length, nameof(input), nameof(output));
        if (rows > 0 && n > 1)
        {
            if (DftMatrix.Covers(n))
            {
                DftMatrix.Get(n).Forward(rows, input, output);
            }
            else
            {
                FftHalf(FftPlan.Get(n), rows, input, output);
            }
        }
    }

    /// <summary>
    /// The adjoint (vector–Jacobian product) of <see cref="FftHalf(int, int, ReadOnlySpan{float}, Span{float})"/>:
    /// inputGrad_t += Σ_{k&lt;n/2} (dRe_k cos(2πkt/n) − dIm_k sin(2πkt/n)) for each row, where
    /// (dRe_k, dIm_k) are the gradient's interleaved pairs. Accumulates into <paramref name="inputGrad"/>.
    /// </summary>
    /// <remarks>
    /// This is Re(FFT_n(conj Z)) with Z_k = dRe_k + i·dIm_k for k &lt; h and 0 otherwise; dIm_0 has no
    /// effect (sin 0 = 0), as in the real DFT it is the gradient of.
    /// </remarks>
    public static void FftHalfAdjoint(int rows, int n, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        CheckArguments(rows, n, inputGrad.Length, outputGrad.Length, nameof(inputGrad), nameof(outputGrad));
        if (rows > 0 && n > 1)
        {
            if (DftMatrix.Covers(n))
            {
                DftMatrix.Get(n).Adjoint(rows, outputGrad, inputGrad);
            }
            else
            {
                FftHalfAdjoint(FftPlan.Get(n), rows, outputGrad, inputGrad);
            }
        }
    }

    /// <summary>The forward transform with a given plan (tests use this to run every algorithm at every n).</summary>
    internal static void FftHalf(FftPlan plan, int rows, ReadOnlySpan<float> input, Span<float> output)
    {
        int n = plan.N, h = n / 2;
        if (h == 0)
        {
            return; // n = 1: no coefficients, so nothing to write and no gradient
        }

        Span<double> scratch = Scratch(2 * n + plan.WorkLength);
        Span<double> zr = scratch[..n], zi = scratch.Slice(n, n), work = scratch[(2 * n)..];
        for (int r = 0; r < rows; r += 2)
        {
            // Two real rows as one complex row z = x + iy (y = 0 for an odd last row).
            bool pair = r + 1 < rows;
            ReadOnlySpan<float> x = input.Slice(r * n, n);
            ReadOnlySpan<float> y = pair ? input.Slice((r + 1) * n, n) : default;
            Widen(x, zr);
            if (pair)
            {
                Widen(y, zi);
            }
            else
            {
                zi.Clear();
            }

            plan.Transform(zr, zi, work);

            // Real inputs have Hermitian spectra, so with Z = X + iY and Z*_k = conj(Z_{n−k}):
            // X_k = (Z_k + Z*_k) / 2 and Y_k = (Z_k − Z*_k) / 2i.
            Span<float> ox = output.Slice(r * 2 * h, 2 * h);
            Span<float> oy = pair ? output.Slice((r + 1) * 2 * h, 2 * h) : default;
            for (int k = 0; k < h; k++)
            {
                int mirror = k == 0 ? 0 : n - k;
                double a = zr[k], b = zi[k], c = zr[mirror], d = zi[mirror];
                ox[2 * k] = (float)(0.5 * (a + c));
                ox[2 * k + 1] = (float)(0.5 * (b - d));
                if (pair)
                {
                    oy[2 * k] = (float)(0.5 * (b + d));
                    oy[2 * k + 1] = (float)(0.5 * (c - a));
                }
            }
        }
    }

    /// <summary>The adjoint with a given plan (tests use this to run every algorithm at every n).</summary>
    internal static void FftHalfAdjoint(FftPlan plan, int rows, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        int n = plan.N, h = n / 2;
        if (h == 0)
        {
            return; // n = 1: no coefficients, so nothing to write and no gradient
        }

        Span<double> scratch = Scratch(2 * n + plan.WorkLength);
        Span<double> zr = scratch[..n], zi = scratch.Slice(n, n), work = scratch[(2 * n)..];
        for (int r = 0; r < rows; r += 2)
        {
            // Re(FFT(u)) = FFT(w) with w_k = (u_k + conj(u_{n−k})) / 2, which is Hermitian, so FFT(w) is
            // real. Two rows' Hermitian w1, w2 then share one transform: FFT(w1 + i·w2) has FFT(w1) as
            // its real part and FFT(w2) as its imaginary part. Here u_k = conj(Z_k) = (dRe_k, −dIm_k)
            // for k < h and 0 beyond, so w_0 = dRe_0, w_k = u_k / 2 and w_{n−k} = conj(u_k) / 2.
            bool pair = r + 1 < rows;
            ReadOnlySpan<float> u = outputGrad.Slice(r * 2 * h, 2 * h);
            ReadOnlySpan<float> v = pair ? outputGrad.Slice((r + 1) * 2 * h, 2 * h) : default;
            zr.Clear();
            zi.Clear();
            zr[0] = u[0];
            zi[0] = pair ? v[0] : 0.0;
            for (int k = 1; k < h; k++)
            {
                double a1 = u[2 * k], b1 = u[2 * k + 1];
                double a2 = pair ? v[2 * k] : 0.0, b2 = pair ? v[2 * k + 1] : 0.0;
                zr[k] = 0.5 * (a1 + b2);
                zi[k] = 0.5 * (a2 - b1);
                zr[n - k] = 0.5 * (a1 - b2);
                zi[n - k] = 0.5 * (a2 + b1);
            }

            plan.Transform(zr, zi, work);

            AddTo(inputGrad.Slice(r * n, n), zr);
            if (pair)
            {
                AddTo(inputGrad.Slice((r + 1) * n, n), zi);
            }
        }
    }

    /// <summary>to[i] = from[i] as doubles, for equal lengths.</summary>
    /// <remarks>
    /// Vectorized not only for speed: a scalar float↔double conversion writes only the low lane of its
    /// register, and the resulting false dependency chained the scalar loops (≈2 ns per element).
    /// </remarks>
    private static void Widen(ReadOnlySpan<float> from, Span<double> to)
    {
        to = to[..from.Length];
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= from.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref MemoryMarshal.GetReference(from), (nuint)i), out Vector<double> low, out Vector<double> high);
                low.StoreUnsafe(ref MemoryMarshal.GetReference(to), (nuint)i);
                high.StoreUnsafe(ref MemoryMarshal.GetReference(to), (nuint)(i + Vector<double>.Count));
            }
        }

        for (; i < from.Length; i++)
        {
            to[i] = from[i];
        }
    }

    /// <summary>
    /// to[i] = (float)(to[i] + from[i]), for equal lengths: the sum is taken in double so the result is
    /// rounded once. Vectorized for the reason given at <see cref="Widen"/>.
    /// </summary>
    private static void AddTo(Span<float> to, ReadOnlySpan<double> from)
    {
        from = from[..to.Length];
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref double source = ref MemoryMarshal.GetReference(from);
            ref float target = ref MemoryMarshal.GetReference(to);
            for (; i <= to.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref target, (nuint)i), out Vector<double> low, out Vector<double> high);
                low += Vector.LoadUnsafe(ref source, (nuint)i);
                high += Vector.LoadUnsafe(ref source, (nuint)(i + Vector<double>.Count));
                Vector.Narrow(low, high).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < to.Length; i++)
        {
            to[i] = (float)(to[i] + from[i]);
        }
    }

    /// <summary>This thread's scratch, grown (never shrunk) to at least <paramref name="length"/> doubles.</summary>
    private static Span<double> Scratch(int length)
    {
        double[]? scratch = t_scratch;
        if (scratch is null || scratch.Length < length)
        {
            t_scratch = scratch = new double[length];
        }

        return scratch.AsSpan(0, length);
    }

    private static void CheckArguments(int rows, int n, int realLength, int complexLength, string realName, string complexName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(n); // n = 0 (an empty axis) has no coefficients, like n = 1

        // long: rows·n may overflow int for a wrong call, and the check must still catch it.
        long real = (long)rows * n, complex = (long)rows * 2 * (n / 2);
        if (realLength < real)
        {
            throw new ArgumentException($"'{realName}' has {realLength} elements but {rows} rows of {n} need {real}.", realName);
        }

        if (complexLength < complex)
        {
            throw new ArgumentException(
                $"'{complexName}' has {complexLength} elements but {rows} rows of {n / 2} complex pairs need {complex}.",
                complexName);
        }
    }
}
