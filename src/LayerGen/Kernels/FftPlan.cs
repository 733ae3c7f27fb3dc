using System;
using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;

namespace LayerGen.Kernels;

/// <summary>
/// Which algorithm an <see cref="FftPlan"/> uses for its length. (Small n do not use a plan at all:
/// <see cref="DftMatrix"/> is faster there.)
/// </summary>
internal enum FftAlgorithm
{
    /// <summary>Iterative radix-2 Cooley–Tukey; n must be a power of two.</summary>
    Radix2,

    /// <summary>Bluestein's chirp-z: any n as a circular convolution done with power-of-two FFTs.</summary>
    Bluestein,
}

/// <summary>
/// The precomputed tables for one transform length n, shared by every thread: a plan is immutable
/// once built, and <see cref="Transform"/> works only in caller-owned buffers, so plans need no locks.
/// </summary>
/// <remarks>
/// <para>
/// Everything is double precision: the tables are computed with <see cref="Math.SinCos(double)"/> and
/// stored as doubles, and the complex arithmetic runs in doubles. The callers round to float only when
/// they write their results, so the transform adds about one float rounding (≈6e-8 relative to the
/// row's largest coefficient) to what a double-precision DFT of the same float inputs would give.
/// </para>
/// <para>
/// Complex vectors are split: real parts in one span, imaginary parts in another (see
/// <see cref="Butterflies"/> for why). <see cref="Transform"/> computes the forward DFT
/// X_k = Σ_t z_t e^{-2πikt/n} of a length-n complex vector in place.
/// </para>
/// </remarks>
internal sealed class FftPlan
{
    private static readonly ConcurrentDictionary<int, FftPlan> s_plans = new();

    // A cached delegate, so a GetOrAdd that finds its plan allocates nothing.
    private static readonly Func<int, FftPlan> s_create = n => new FftPlan(n, ChooseAlgorithm(n));

    // Radix2 / Bluestein: the power-of-two FFT of size _m (= n, or Bluestein's padded length).
    private readonly int _m;
    private readonly int[] _reverse = [];       // bit-reversal permutation of 0.._m-1
    private readonly double[] _twiddleRe = [];  // per stage `half`: e^{-iπj/half}, j < half, at [half − 1 + j]
    private readonly double[] _twiddleIm = [];

    // Bluestein: chirp c_t = e^{-iπt²/n}, t < n, and FFT_m of the kernel b_j = conj(c_|j|), scaled by 1/m.
    private readonly double[] _chirpRe = [];
    private readonly double[] _chirpIm = [];
    private readonly double[] _kernelRe = [];
    private readonly double[] _kernelIm = [];

    internal FftPlan(int n, FftAlgorithm algorithm)
    {
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "The transform length must be at least 1.");
        }

        if (algorithm == FftAlgorithm.Radix2 && !BitOperations.IsPow2(n))
        {
            throw new ArgumentException($"Radix-2 needs a power of two, not {n}.", nameof(algorithm));
        }

        N = n;
        Algorithm = algorithm;
        switch (algorithm)
        {
            case FftAlgorithm.Radix2:
                _m = n;
                (_reverse, _twiddleRe, _twiddleIm) = PowerOfTwoTables(n);
                WorkLength = 2 * n;
                break;

            default:
                // Linear convolution of two length-n sequences has 2n − 1 terms; a circular one of any
                // length ≥ 2n − 1 computes it without wrap-around.
                _m = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * n - 1));
                (_reverse, _twiddleRe, _twiddleIm) = PowerOfTwoTables(_m);
                _chirpRe = new double[n];
                _chirpIm = new double[n];
                for (int t = 0; t < n; t++)
                {
                    // kt = (k² + t² − (k − t)²) / 2. Reducing t² mod 2n first keeps the angle below 2π,
                    // so the table is as accurate as the twiddles (π·t²/n itself would lose digits).
                    long square = (long)t * t % (2L * n);
                    (double sin, double cos) = Math.SinCos(Math.PI * square / n);
                    _chirpRe[t] = cos;
                    _chirpIm[t] = -sin;
                }

                // b_j = conj(c_j) at j and at −j ≡ m − j, stored bit-reversed for the butterflies.
                // Folding the inverse FFT's 1/m in here saves a pass per transform.
                _kernelRe = new double[_m];
                _kernelIm = new double[_m];
                for (int j = 0; j < n; j++)
                {
                    int p = _reverse[j], q = _reverse[(_m - j) & (_m - 1)];
                    _kernelRe[p] = _kernelRe[q] = _chirpRe[j] / _m;
                    _kernelIm[p] = _kernelIm[q] = -_chirpIm[j] / _m;
                }

                Butterflies(_kernelRe, _kernelIm, _m, _twiddleRe, _twiddleIm);
                WorkLength = 4 * _m;
                break;
        }
    }

    /// <summary>The transform length.</summary>
    public int N { get; }

    public FftAlgorithm Algorithm { get; }

    /// <summary>How many doubles of scratch <see cref="Transform"/> needs.</summary>
    public int WorkLength { get; }

    /// <summary>The algorithm <see cref="Get"/> uses for n: radix 2 for powers of two, else Bluestein.</summary>
    internal static FftAlgorithm ChooseAlgorithm(int n) =>
        BitOperations.IsPow2(n) ? FftAlgorithm.Radix2 : FftAlgorithm.Bluestein;

    /// <summary>The shared plan for n, built on first use. Lock-free and allocation-free once built.</summary>
    public static FftPlan Get(int n) =>
        s_plans.TryGetValue(n, out var plan) ? plan : s_plans.GetOrAdd(n, s_create);

    /// <summary>
    /// In-place forward DFT of the n complex values with real parts in <paramref name="re"/> and
    /// imaginary parts in <paramref name="im"/> (n each), using <paramref name="work"/>
    /// (≥ <see cref="WorkLength"/> doubles) as scratch.
    /// </summary>
    public void Transform(Span<double> re, Span<double> im, Span<double> work)
    {
        int n = N, m = _m;
        re = re[..n];
        im = im[..n];
        ReadOnlySpan<int> reverse = _reverse;
        if (Algorithm == FftAlgorithm.Radix2)
        {
            // Loading in bit-reversed order replaces the usual in-place swap pass.
            Span<double> wr = work[..n], wi = work.Slice(n, n);
            for (int t = 0; t < n; t++)
            {
                wr[reverse[t]] = re[t];
                wi[reverse[t]] = im[t];
            }

            Butterflies(wr, wi, n, _twiddleRe, _twiddleIm);
            wr.CopyTo(re);
            wi.CopyTo(im);
            return;
        }

        // Bluestein: X_k = c_k · Σ_t (z_t c_t) · conj(c_{k−t}), a convolution with the kernel b.
        Span<double> ar = work[..m], ai = work.Slice(m, m), br = work.Slice(2 * m, m), bi = work.Slice(3 * m, m);
        ReadOnlySpan<double> cr = _chirpRe, ci = _chirpIm, kr = _kernelRe, ki = _kernelIm;
        ar.Clear();
        ai.Clear();
        for (int t = 0; t < n; t++)
        {
            int p = reverse[t];
            ar[p] = re[t] * cr[t] - im[t] * ci[t];
            ai[p] = re[t] * ci[t] + im[t] * cr[t];
        }

        Butterflies(ar, ai, m, _twiddleRe, _twiddleIm);

        // Pointwise product with the kernel's spectrum, conjugated: the inverse FFT is
        // conj(FFT(conj(·))) (the 1/m is in the kernel), and the store goes to bit-reversed places.
        for (int j = 0; j < m; j++)
        {
            int p = reverse[j];
            br[p] = ar[j] * kr[j] - ai[j] * ki[j];
            bi[p] = -(ar[j] * ki[j] + ai[j] * kr[j]);
        }

        Butterflies(br, bi, m, _twiddleRe, _twiddleIm);
        for (int k = 0; k < n; k++)
        {
            double yr = br[k], yi = -bi[k];
            re[k] = yr * cr[k] - yi * ci[k];
            im[k] = yr * ci[k] + yi * cr[k];
        }
    }

    private static (int[] Reverse, double[] TwiddleRe, double[] TwiddleIm) PowerOfTwoTables(int m)
    {
        var reverse = new int[m];
        int bits = BitOperations.Log2((uint)m);
        for (int i = 1; i < m; i++)
        {
            reverse[i] = (reverse[i >> 1] >> 1) | ((i & 1) << (bits - 1));
        }

        // One contiguous table per stage (m − 1 entries in all) so the inner loop reads it sequentially.
        var twiddleRe = new double[Math.Max(m - 1, 1)];
        var twiddleIm = new double[Math.Max(m - 1, 1)];
        for (int half = 1; half < m; half <<= 1)
        {
            for (int j = 0; j < half; j++)
            {
                (double sin, double cos) = Math.SinCos(Math.PI * j / half);
                twiddleRe[half - 1 + j] = cos;
                twiddleIm[half - 1 + j] = -sin;
            }
        }

        return (reverse, twiddleRe, twiddleIm);
    }

    /// <summary>
    /// The radix-2 decimation-in-time butterflies: (<paramref name="re"/>, <paramref name="im"/>) hold
    /// m complex values in bit-reversed order on entry and their DFT in natural order on exit.
    /// </summary>
    /// <remarks>
    /// Real and imaginary parts live in separate arrays so that every stage with at least
    /// <see cref="Vector{T}.Count"/> butterflies per block runs in <see cref="Vector{T}"/> lanes without
    /// shuffles; the first few stages (and every stage without SIMD) are scalar.
    /// </remarks>
    private static void Butterflies(Span<double> re, Span<double> im, int m, ReadOnlySpan<double> twiddleRe, ReadOnlySpan<double> twiddleIm)
    {
        if (m < 2)
        {
            return; // the DFT of one value is itself
        }

        // The slices bound every access below, including the unchecked vector loads: a vector at
        // [i, i + Count) is only read when i + Count ≤ (the block's half) ≤ m.
        re = re[..m];
        im = im[..m];
        twiddleRe = twiddleRe[..(m - 1)];
        twiddleIm = twiddleIm[..(m - 1)];
        int lanes = Vector.IsHardwareAccelerated ? Vector<double>.Count : int.MaxValue;
        for (int half = 1; half < m; half <<= 1)
        {
            for (int start = 0; start < m; start += 2 * half)
            {
                if (half < lanes)
                {
                    for (int lo = start, w = half - 1; lo < start + half; lo++, w++)
                    {
                        int hi = lo + half;
                        double xr = re[hi] * twiddleRe[w] - im[hi] * twiddleIm[w];
                        double xi = re[hi] * twiddleIm[w] + im[hi] * twiddleRe[w];
                        re[hi] = re[lo] - xr;
                        im[hi] = im[lo] - xi;
                        re[lo] += xr;
                        im[lo] += xi;
                    }

                    continue;
                }

                for (int j = 0; j < half; j += lanes)
                {
                    int lo = start + j, hi = lo + half, w = half - 1 + j;
                    Vector<double> wr = Load(twiddleRe, w), wi = Load(twiddleIm, w);
                    Vector<double> hr = Load(re, hi), hiIm = Load(im, hi);
                    Vector<double> xr = hr * wr - hiIm * wi;
                    Vector<double> xi = hr * wi + hiIm * wr;
                    Vector<double> lr = Load(re, lo), li = Load(im, lo);
                    Store(re, hi, lr - xr);
                    Store(im, hi, li - xi);
                    Store(re, lo, lr + xr);
                    Store(im, lo, li + xi);
                }
            }
        }
    }

    private static Vector<double> Load(ReadOnlySpan<double> span, int index) =>
        Vector.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)index);

    private static Vector<double> Load(Span<double> span, int index) =>
        Vector.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)index);

    private static void Store(Span<double> span, int index, Vector<double> value) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(span), (nuint)index);
}
