using System;
using System.IO;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Xunit;
using Xunit.Abstractions;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// .ci/run runs the layer, kernel, loss and training tests again with DOTNET_EnableAVX512=0 and
/// DOTNET_EnableAVX512F=0 (the AVX2 paths of an AVX-512 machine: .NET 10 reads the first name and ignores the second,
/// .NET 8 and 9 the reverse) and with DOTNET_EnableAVX2=0 (the 128-bit paths). This test is among them and shows
/// that those runs really took those paths: the JIT's ISA must follow the variables (and, without them, the
/// hardware: an AVX2 machine must not quietly run 128-bit code). Its output (in the TRX) names the ISA of the run.
/// </summary>
public sealed class IsaPathTests(ITestOutputHelper output)
{
    [Fact]
    public void The_process_takes_the_vector_paths_the_DOTNET_Enable_variables_ask_for()
    {
        string? avx512 = Environment.GetEnvironmentVariable("DOTNET_EnableAVX512");
        string? avx512F = Environment.GetEnvironmentVariable("DOTNET_EnableAVX512F");
        string? avx2 = Environment.GetEnvironmentVariable("DOTNET_EnableAVX2");
        string? any = Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic");
        string describe = $"ISA: Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, "
            + $"Vector128 {Vector128.IsHardwareAccelerated}, Vector<float> {Vector<float>.Count} lanes; Avx512F {Avx512F.IsSupported}, "
            + $"Avx2 {Avx2.IsSupported}, Fma {Fma.IsSupported}, AdvSimd {AdvSimd.IsSupported}; "
            + $"DOTNET_EnableAVX512={avx512 ?? "(unset)"}, DOTNET_EnableAVX512F={avx512F ?? "(unset)"}, DOTNET_EnableAVX2={avx2 ?? "(unset)"}";
        output.WriteLine(describe);

        // Either name asks for AVX-512 off; a run that set only the name this runtime ignores must fail here, not
        // quietly test the AVX-512 paths twice (what .ci/run's AVX2 run did on AVX-512 machines until both were set).
        bool avx512Off = avx512 == "0" || avx512F == "0";
        if (avx512Off)
        {
            Assert.False(Vector512.IsHardwareAccelerated, describe);
            Assert.False(Avx512F.IsSupported, describe);
        }

        if (avx2 == "0")
        {
            Assert.False(Vector256.IsHardwareAccelerated, describe);
            Assert.False(Avx2.IsSupported, describe);
            Assert.False(Avx512F.IsSupported, describe);
            Assert.Equal(Vector128<float>.Count, Vector<float>.Count);
        }

        // Without the variables, the hardware decides: an x64 CPU with AVX2 and FMA must run the 256-bit paths.
        string flags = CpuFlags();
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64 && avx2 != "0" && any != "0"
            && flags.Contains(" avx2 ", StringComparison.Ordinal) && flags.Contains(" fma ", StringComparison.Ordinal))
        {
            Assert.True(Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated, describe);
            if (!avx512Off && flags.Contains(" avx512f ", StringComparison.Ordinal))
            {
                Assert.True(Avx512F.IsSupported, describe);
            }
        }
    }

    /// <summary>The first "flags" line of /proc/cpuinfo, space-padded (empty where there is none).</summary>
    private static string CpuFlags()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            return "";
        }

        foreach (string line in File.ReadLines("/proc/cpuinfo"))
        {
            if (line.StartsWith("flags", StringComparison.Ordinal))
            {
                return " " + line[(line.IndexOf(':') + 1)..].Trim() + " ";
            }
        }

        return "";
    }
}
