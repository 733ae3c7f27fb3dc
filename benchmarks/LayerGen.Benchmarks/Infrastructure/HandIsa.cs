using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// Which hand-written baselines this process runs: the <c>Vector512</c> ones (AVX-512) where the JIT
/// accelerates <see cref="Vector512{T}"/>, the <c>Vector256</c> ones (AVX2 + FMA, 16 ymm registers)
/// otherwise. Both properties are JIT-time constants, so a case's <c>HandForward</c> dispatch folds to one
/// direct call. <c>DOTNET_EnableAVX512=0</c> (<c>DOTNET_EnableAVX512F=0</c> before .NET 10) makes an AVX-512 machine take the AVX2 versions (and LayerGen
/// its non-Vector512 paths): that is how <c>--isa avx2</c> takes the AVX2 figures there.
/// </summary>
public static class HandIsa
{
    /// <summary>The AVX-512 baselines run (they use Avx512F intrinsics, so both must hold).</summary>
    public static bool Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>The AVX2 baselines run on hardware vectors (not software-emulated Vector256).</summary>
    public static bool Avx2Native => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Short label of the hand-written column: "AVX-512", "AVX2", or "AVX2 emulated".</summary>
    public static string Name => Avx512 ? "AVX-512" : Avx2Native ? "AVX2" : "AVX2 emulated";

    /// <summary>The hand column's method label, e.g. "Hand AVX2".</summary>
    public static string HandLabel => "Hand " + Name;

    /// <summary>The line a BenchmarkDotNet child process prints in each GlobalSetup (see <see cref="Report"/>).</summary>
    public const string ReportPrefix = "// LayerGen hand ISA: ";

    /// <summary>
    /// Prints <see cref="ReportPrefix"/> + <see cref="Name"/>: BenchmarkDotNet keeps a child process's output
    /// with its report, so the parent labels each row with the ISA the benchmark really ran on
    /// (<see cref="FromReport"/>) instead of guessing it from the job's environment variables.
    /// </summary>
    public static void Report() => Console.WriteLine(ReportPrefix + Name);

    /// <summary>The ISA a benchmark process reported, or null (the run failed before its setup).</summary>
    public static string? FromReport(BenchmarkDotNet.Reports.BenchmarkReport? report)
    {
        if (report is null)
        {
            return null;
        }

        foreach (var result in report.ExecuteResults)
        {
            foreach (string line in result.StandardOutput)
            {
                if (line.StartsWith(ReportPrefix, StringComparison.Ordinal))
                {
                    return line[ReportPrefix.Length..].Trim();
                }
            }
        }

        return null;
    }

    /// <summary>What this process's JIT accelerates, and the DOTNET_Enable* variables that shaped it.</summary>
    public static string Describe()
    {
        string vectors = Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "no SIMD";
        string env = "";
        foreach (string name in new[] { "DOTNET_EnableAVX512", "DOTNET_EnableAVX512F", "DOTNET_EnableAVX2", "DOTNET_EnableHWIntrinsic", "DOTNET_PreferredVectorBitWidth" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                env += $" {name}={value}";
            }
        }

        string baselines = Avx512 ? "Vector512 (AVX-512)" : Avx2Native ? "Vector256 (AVX2 + FMA)"
            : "Vector256 SOFTWARE-EMULATED (no AVX2 here: the hand figures are not a baseline)";
        string isa = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64
            ? $"AdvSimd {System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported}"
            : $"AVX-512F {Avx512F.IsSupported}, AVX2 {Avx2.IsSupported}, FMA {Fma.IsSupported}";
        return $"ISA: widest accelerated {vectors}, Vector<float> {System.Numerics.Vector<float>.Count} lanes, "
            + $"{isa}; hand-written baselines: {baselines}{(env.Length > 0 ? ";" + env : "")}";
    }
}
