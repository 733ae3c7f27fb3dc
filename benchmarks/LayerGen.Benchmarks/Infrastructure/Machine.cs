using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// The machine a run is reported for: CPU model and ISA flags (from /proc/cpuinfo where there is one), the
/// load average, the commit, and the single-thread FMA peak measured with independent FMA chains — so a
/// figure in the README carries what it was measured on.
/// </summary>
public static class Machine
{
    /// <summary>"AMD EPYC, 2 logical CPUs, x64; avx2 fma, no avx512f" (the model name from /proc/cpuinfo).</summary>
    public static string Describe()
    {
        string model = "unknown CPU";
        string flags = "";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                string[] lines = File.ReadAllLines("/proc/cpuinfo");
                model = Value(lines, "model name") ?? Value(lines, "Model") ?? model;
                string all = " " + (Value(lines, "flags") ?? Value(lines, "Features") ?? "") + " ";
                string[] wanted = ["avx512f", "avx512bw", "avx512vl", "avx2", "fma", "avx", "asimd", "sve"];
                string[] present = wanted.Where(f => all.Contains(" " + f + " ", StringComparison.Ordinal)).ToArray();
                string[] absent = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? new[] { "avx512f", "avx2", "fma" }.Except(present).ToArray() : [];
                flags = "; /proc/cpuinfo flags: " + string.Join(" ", present) + (absent.Length > 0 ? ", no " + string.Join(" ", absent) : "");
            }
        }
        catch (IOException)
        {
        }

        return $"{model}, {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.ProcessArchitecture}{flags}; {RuntimeInformation.FrameworkDescription}";
    }

    /// <summary>The 1-, 5- and 15-minute load averages (/proc/loadavg), or "n/a".</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>`git describe --always --dirty` of the working directory, or "n/a".</summary>
    public static string Commit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "describe --always --dirty --abbrev=7")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null)
            {
                return "n/a";
            }

            string text = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && text.Length > 0 ? text : "n/a";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "n/a";
        }
    }

    private static string? Value(string[] lines, string key) =>
        lines.Where(l => l.StartsWith(key, StringComparison.Ordinal) && l.Contains(':'))
            .Select(l => l.Split(':', 2)[1].Trim())
            .FirstOrDefault();

    /// <summary>
    /// Single-thread FMA peak in GFLOP/s with <see cref="Vector256{T}"/> (12 independent FMA chains, more
    /// than latency × issue width on current x64 cores), and with <see cref="Vector512{T}"/> (24 chains) where
    /// that is accelerated (else NaN). Best of several ~0.1 s samples, so a loaded machine reads low rather than noisy.
    /// </summary>
    public static (double Gflops256, double Gflops512) FmaPeak()
    {
        double p256 = Best(FmaChains256, 8 * 12 * 2);
        double p512 = Vector512.IsHardwareAccelerated ? Best(FmaChains512, 16 * 24 * 2) : double.NaN;
        return (p256, p512);
    }

    public static string FormatPeak((double Gflops256, double Gflops512) peak) =>
        string.Create(CultureInfo.InvariantCulture, $"single-thread FMA peak (independent FMA chains, best of 10 × 0.1 s): Vector256 {peak.Gflops256:F1} GFLOP/s")
        + (double.IsNaN(peak.Gflops512) ? "" : string.Create(CultureInfo.InvariantCulture, $", Vector512 {peak.Gflops512:F1} GFLOP/s"));

    private static double Best(Func<long, float> kernel, double flopsPerIteration)
    {
        long iterations = 1000;
        double seconds;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            kernel(iterations);
            seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (seconds > 0.02)
            {
                break;
            }

            iterations *= 4;
        }

        iterations = Math.Max(1, (long)(iterations * 0.1 / seconds));
        double best = 0;
        float sink = 0;
        for (int s = 0; s < 10; s++)
        {
            long start = Stopwatch.GetTimestamp();
            sink += kernel(iterations);
            double t = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, iterations * flopsPerIteration / t / 1e9);
        }

        GC.KeepAlive(sink);
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaChains256(long iterations)
    {
        var m = Vector256.Create(0.999999f);
        var a = Vector256.Create(1e-6f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        Vector256<float> c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, m, a);
            c1 = Vector256.FusedMultiplyAdd(c1, m, a);
            c2 = Vector256.FusedMultiplyAdd(c2, m, a);
            c3 = Vector256.FusedMultiplyAdd(c3, m, a);
            c4 = Vector256.FusedMultiplyAdd(c4, m, a);
            c5 = Vector256.FusedMultiplyAdd(c5, m, a);
            c6 = Vector256.FusedMultiplyAdd(c6, m, a);
            c7 = Vector256.FusedMultiplyAdd(c7, m, a);
            c8 = Vector256.FusedMultiplyAdd(c8, m, a);
            c9 = Vector256.FusedMultiplyAdd(c9, m, a);
            c10 = Vector256.FusedMultiplyAdd(c10, m, a);
            c11 = Vector256.FusedMultiplyAdd(c11, m, a);
        }

        return Vector256.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaChains512(long iterations)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return 0f;
        }

        var m = Vector512.Create(0.999999f);
        var a = Vector512.Create(1e-6f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        Vector512<float> c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        Vector512<float> c16 = c0, c17 = c0, c18 = c0, c19 = c0, c20 = c0, c21 = c0, c22 = c0, c23 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, a);
            c1 = Vector512.FusedMultiplyAdd(c1, m, a);
            c2 = Vector512.FusedMultiplyAdd(c2, m, a);
            c3 = Vector512.FusedMultiplyAdd(c3, m, a);
            c4 = Vector512.FusedMultiplyAdd(c4, m, a);
            c5 = Vector512.FusedMultiplyAdd(c5, m, a);
            c6 = Vector512.FusedMultiplyAdd(c6, m, a);
            c7 = Vector512.FusedMultiplyAdd(c7, m, a);
            c8 = Vector512.FusedMultiplyAdd(c8, m, a);
            c9 = Vector512.FusedMultiplyAdd(c9, m, a);
            c10 = Vector512.FusedMultiplyAdd(c10, m, a);
            c11 = Vector512.FusedMultiplyAdd(c11, m, a);
            c12 = Vector512.FusedMultiplyAdd(c12, m, a);
            c13 = Vector512.FusedMultiplyAdd(c13, m, a);
            c14 = Vector512.FusedMultiplyAdd(c14, m, a);
            c15 = Vector512.FusedMultiplyAdd(c15, m, a);
            c16 = Vector512.FusedMultiplyAdd(c16, m, a);
            c17 = Vector512.FusedMultiplyAdd(c17, m, a);
            c18 = Vector512.FusedMultiplyAdd(c18, m, a);
            c19 = Vector512.FusedMultiplyAdd(c19, m, a);
            c20 = Vector512.FusedMultiplyAdd(c20, m, a);
            c21 = Vector512.FusedMultiplyAdd(c21, m, a);
            c22 = Vector512.FusedMultiplyAdd(c22, m, a);
            c23 = Vector512.FusedMultiplyAdd(c23, m, a);
        }

        var s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        var t = ((c12 + c13) + (c14 + c15)) + ((c16 + c17) + (c18 + c19)) + ((c20 + c21) + (c22 + c23));
        return Vector512.Sum(s + t);
    }
}
