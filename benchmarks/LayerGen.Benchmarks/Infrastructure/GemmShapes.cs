using System;
using System.Diagnostics;
using System.Linq;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// <c>--gemm</c>: the runtime's <see cref="LayerGen.Kernels.Gemm.MatMul"/> alone on the products the suite's
/// cases 5 and 6b make (forward, input and weight gradients), each as GFLOP/s and as a share of this
/// machine's measured single-thread FMA peak. The minimum over many timed batches, so a busy machine
/// (other processes taking the core now and then) moves the figure less than a median would.
/// </summary>
public static class GemmShapes
{
    private static readonly (string What, int M, int N, int K, bool TransposeA, bool TransposeB)[] Shapes =
    [
        ("5   forward x·W1ᵀ", 64, 256, 784, false, true),
        ("5   forward h·W2ᵀ", 64, 10, 256, false, true),
        ("5   dH = dZ·W2", 64, 256, 10, false, false),
        ("5   dW2 = dZᵀ·H", 10, 256, 64, true, false),
        ("5   dW1 = dHᵀ·X", 256, 784, 64, true, false),
        ("6b  forward x·W1ᵀ", 256, 64, 32, false, true),
        ("6b  forward h·W2ᵀ", 256, 64, 64, false, true),
        ("6b  dH = dZ·W2", 256, 64, 64, false, false),
        ("6b  dW2 = dZᵀ·H", 64, 64, 256, true, false),
        ("6b  dW1 = dZᵀ·X", 64, 32, 256, true, false),
    ];

    public static void Run(double peakGflops)
    {
        Console.WriteLine($"Gemm.MatMul alone, best of 40 batches of ≥ 10 calls and ≥ 2e7 FLOP, after 0.5 s of warm-up; single-thread FMA peak {peakGflops:F1} GFLOP/s; load average {Machine.LoadAverage()}");
        Console.WriteLine("| product | m×n×k | op | µs | GFLOP/s | % of peak |");
        Console.WriteLine("|---|---|---|---:|---:|---:|");
        var random = new Random(1);
        foreach (var (what, m, n, k, transposeA, transposeB) in Shapes)
        {
            float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            float[] b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            float[] c = new float[m * n];
            double flops = 2.0 * m * n * k;
            int repeats = Math.Max(10, (int)(2e7 / flops));

            // Warm for half a second, not a count of calls: the tiered JIT promotes a method only after a
            // delay, and 200 calls of the largest product (measured) still timed tier-0 code now and then.
            var warm = Stopwatch.StartNew();
            while (warm.ElapsedMilliseconds < 500)
            {
                Kernels.Gemm.MatMul(m, n, k, a, transposeA, b, transposeB, c, accumulate: false);
            }

            double best = double.MaxValue;
            var watch = new Stopwatch();
            for (int batch = 0; batch < 40; batch++)
            {
                watch.Restart();
                for (int i = 0; i < repeats; i++)
                {
                    Kernels.Gemm.MatMul(m, n, k, a, transposeA, b, transposeB, c, accumulate: false);
                }

                best = Math.Min(best, watch.Elapsed.TotalSeconds / repeats);
            }

            double gflops = flops / best / 1e9;
            string op = (transposeA ? "Aᵀ" : "A") + "·" + (transposeB ? "Bᵀ" : "B");
            Console.WriteLine($"| {what} | {m}×{n}×{k} | {op} | {best * 1e6:F2} | {gflops:F1} | {100 * gflops / peakGflops:F0} % |");
        }
    }
}
