using System;
using System.Collections.Concurrent;
using System.Numerics;

namespace LayerGen.Kernels;

/// <summary>
/// The half-spectrum DFT of one length n as a dense float matrix, for the small n where a matrix product
/// beats an FFT: <see cref="FourierKernels"/> routes every n that <see cref="Covers"/> accepts here.
/// </summary>
/// <remarks>
/// <para>
/// <b>Why a matrix.</b> For small n the O(n²) product wins over the O(n log n) FFT: its work is long runs
/// of independent fused multiply-adds over contiguous rows of a table that stays in cache, done 16 lanes at
/// a time by <see cref="Gemm"/>'s register-blocked kernel (Vector512, else Vector256/128, else scalar),
/// while the FFT spends its time in short dependent butterfly chains, shuffles, bit-reversed loads and the
/// double↔float conversions around them. Measured (Release, one AVX-512 core, full JIT optimisation, ns per
/// call for 1 / 8 / 64 rows, forward; the adjoint is alike), previous path vs matrix: n = 8 (direct sum in
/// double) 27 / 149 / 974 vs 25 / 37 / 139; n = 64 (radix 2) 276 / 1096 / 8662 vs 100 / 302 / 2153;
/// n = 128 (radix 2) 576 / 2299 / 18307 vs 556 / 1195 / 8539; n = 200 (Bluestein) 4575 / 18308 / 150781 vs
/// 1395 / 3263 / 23221; n = 255 (Bluestein) 4986 / 20120 / 158807 vs 2191 / 5106 / 37157. At n = 256 radix 2
/// wins (1142 / 4482 / 35468 vs about 2600 / 5600 / 34000), so powers of two stop at 128
/// (<see cref="PowerOfTwoLimit"/>). Against Bluestein the matrix stays ahead to n ≈ 400 for one row and
/// beyond 500 for 8 or more, but its table grows as 4n² bytes (256 KB at n = 256, 1 MB at 500; 8n² with
/// Mᵀ, kept to n = 128), so other lengths stop at 256 (<see cref="OtherLimit"/>).
/// </para>
/// <para>
/// <b>Tables.</b> The forward table is M [n, 2h] (h = n / 2), row t = (cos 2πkt/n, −sin 2πkt/n) for k &lt; h,
/// so output = input·M is already the interleaved (re, im) layout. The adjoint is inputGrad += outputGrad·Mᵀ:
/// up to n = <see cref="TransposeLimit"/> a second table holds Mᵀ [2h, n], because the broadcast kernel
/// on Mᵀ beats the dot-product kernel on M there (n = 64, 8 rows: 275 vs 372 ns); above it the two are
/// alike and the copy would double the memory. Entries are computed in double from the exact angle index
/// (kt mod n) and rounded to float once; −sin 0 is stored as +0.
/// </para>
/// <para>
/// <b>Accuracy.</b> The arithmetic is float: the table's rounding, then one rounding per multiply-add,
/// relative to the running sum. So the error is bounded by the row's L1 norm Σ_t |x_t| (Σ|outputGrad| for the
/// adjoint) rather than by the coefficient, and grows with the length of each running sum: the product sums
/// blocks of <see cref="SumBlock"/> steps from zero and adds each block to the output (the dot-product
/// kernel of the adjoint above <see cref="TransposeLimit"/> splits each sum across its lanes instead). Against a
/// double-precision DFT of the same float inputs, the worst error measured over n = 2 … 256 (8 rows × 200
/// random inputs per n: uniform in [−1, 1], Gaussian, and uniform in [0, 1], whose large X_0 is the worst
/// case) is 2.8e-7 of the L1 norm forward and 1.8e-7 adjoint; one block per sum gave 9.3e-7 and 2.1e-7.
/// The FFT paths, in double, stay within 6e-8 of the largest coefficient.
/// </para>
/// <para>
/// One immutable matrix per n, built on first use and shared lock-free by every thread; calls allocate
/// nothing.
/// </para>
/// </remarks>
internal sealed class DftMatrix
{
    /// <summary>Powers of two up to here use the matrix; above, radix 2 is faster (see the remarks).</summary>
    internal const int PowerOfTwoLimit = 128;

    /// <summary>Other lengths up to here use the matrix; above, Bluestein (slower, but with O(n) tables).</summary>
    internal const int OtherLimit = 256;

    /// <summary>Up to here the adjoint multiplies by a stored Mᵀ; above, by M through the dot-product kernel.</summary>
    internal const int TransposeLimit = 128;

    /// <summary>
    /// The product sums at most this many steps of the contraction in registers before adding them to the
    /// output (see the remarks on accuracy); each block costs one more pass of the register tiles over the
    /// output. Measured at n = 64 against one block: 32 costs under 5% (1, 8, 64 rows) for a worst error of
    /// 2.8e-7 of the L1 norm instead of 9.3e-7; 16 (2.4e-7) was about 20% slower in the Case 8 benchmark.
    /// </summary>
    internal const int SumBlock = 32;

    private static readonly ConcurrentDictionary<int, DftMatrix> s_matrices = new();

    // A cached delegate, so a GetOrAdd that finds its matrix allocates nothing.
    private static readonly Func<int, DftMatrix> s_create = n => new DftMatrix(n);

    /// <summary>M [n, 2h], row-major.</summary>
    private readonly float[] _forward;

    /// <summary>Mᵀ [2h, n], row-major, or null above <see cref="TransposeLimit"/>.</summary>
    private readonly float[]? _transpose;

    /// <summary>Builds the table(s) for n ≥ 2 (any n: tests also run it beyond the limits).</summary>
    internal DftMatrix(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        N = n;
        int width = Width;

        // The n distinct angles once each; M[t, 2k] uses angle index kt mod n, exact in integers.
        var cos = new double[n];
        var sin = new double[n];
        for (int j = 0; j < n; j++)
        {
            (sin[j], cos[j]) = Math.SinCos(2.0 * Math.PI * j / n);
        }

        _forward = new float[n * width];
        for (int t = 0; t < n; t++)
        {
            for (int k = 0; k < width / 2; k++)
            {
                int j = (int)((long)k * t % n);
                _forward[t * width + 2 * k] = (float)cos[j];
                _forward[t * width + 2 * k + 1] = sin[j] == 0 ? 0f : (float)-sin[j];
            }
        }

        if (n <= TransposeLimit)
        {
            _transpose = new float[width * n];
            for (int t = 0; t < n; t++)
            {
                for (int c = 0; c < width; c++)
                {
                    _transpose[c * n + t] = _forward[t * width + c];
                }
            }
        }
    }

    /// <summary>The transform length.</summary>
    public int N { get; }

    /// <summary>Floats per output row: 2h = 2·(n / 2).</summary>
    public int Width => N / 2 * 2;

    /// <summary>Whether <see cref="FourierKernels"/> uses the matrix for n (n ≥ 2, within the measured limits).</summary>
    internal static bool Covers(int n) =>
        n >= 2 && n <= (BitOperations.IsPow2(n) ? PowerOfTwoLimit : OtherLimit);

    /// <summary>The shared matrix for n, built on first use. Lock-free and allocation-free once built.</summary>
    public static DftMatrix Get(int n) =>
        s_matrices.TryGetValue(n, out var matrix) ? matrix : s_matrices.GetOrAdd(n, s_create);

    /// <summary>output[0 .. rows·2h] = input·M (Gemm checks the lengths; elements past them are not touched).</summary>
    public void Forward(int rows, ReadOnlySpan<float> input, Span<float> output) =>
        Gemm.MatMul(rows, Width, N, input, transposeA: false, _forward, transposeB: false, output, accumulate: false, SumBlock);

    /// <summary>inputGrad[0 .. rows·n] += outputGrad·Mᵀ (Gemm checks the lengths; elements past them are not touched).</summary>
    public void Adjoint(int rows, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        if (_transpose is not null)
        {
            Gemm.MatMul(rows, N, Width, outputGrad, transposeA: false, _transpose, transposeB: false, inputGrad, accumulate: true, SumBlock);
        }
        else
        {
            Gemm.MatMul(rows, N, Width, outputGrad, transposeA: false, _forward, transposeB: true, inputGrad, accumulate: true);
        }
    }
}
