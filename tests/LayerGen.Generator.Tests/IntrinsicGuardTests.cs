using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace LayerGen.Generator.Tests;

/// <summary>
/// No code path of the runtime, or of the code the generator emits, uses Vector512 unless
/// Vector512.IsHardwareAccelerated (elsewhere .NET emulates it in software: several times slower than the
/// Vector256 path it replaced), and no X86/Arm intrinsic runs unless its class's IsSupported (else a
/// PlatformNotSupportedException, e.g. on linux-arm64): <see cref="IntrinsicGuardScanner"/> states the rule.
/// The runtime (src/LayerGen, with the built-in layers the generator emits into it) and the generator's
/// output for the samples' and the runtime tests' layers are compiled here, from the repository's files,
/// and scanned; the synthetic cases below show that each part of the rule can fail.
/// </summary>
public sealed class IntrinsicGuardTests(ITestOutputHelper output)
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    [Fact]
    public void The_runtime_and_its_built_in_layers_guard_every_Vector512_use_and_every_intrinsic()
    {
        Compilation runtime = Generate(
            "LayerGen",
            OutputKind.DynamicallyLinkedLibrary,
            SourcesUnder("src/LayerGen"),
            [.. Basic.Reference.Assemblies.Net100.References.All]);
        IntrinsicGuardScanner.Result result = IntrinsicGuardScanner.Scan(runtime);
        Report("src/LayerGen", result);

        // The scan saw what it is about: the GEMM's and the kernel helpers' Vector512 code, the AVX-512 paths' intrinsics.
        Assert.True(result.UsesPerCapability.GetValueOrDefault(IntrinsicGuardScanner.Vector512Capability) > 500, "too few Vector512 uses found: is the scanner blind?");
        Assert.True(result.UsesPerCapability.GetValueOrDefault("X86.Avx512F") > 20, "too few Avx512F uses found: is the scanner blind?");
        Assert.True(runtime.SyntaxTrees.Count(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)) >= 5, "the built-in layers were not generated");
        AssertNoViolations(result);
    }

    [Theory]
    [InlineData("samples/CustomLayers", true)]
    [InlineData("samples/Exercises", true)]
    [InlineData("samples/Parameters", true)]
    [InlineData("tests/LayerGen.Tests/Layers", false)]
    [InlineData("benchmarks/LayerGen.Benchmarks/Layers.cs", false)]
    public void The_generated_kernels_guard_every_Vector512_use(string path, bool program)
    {
        string[] files = path.EndsWith(".cs", StringComparison.Ordinal)
            ? [RepositoryFiles.FullPath(path)]
            : path.EndsWith("/Layers", StringComparison.Ordinal)
                ? LayerFilesWithoutTestInfrastructure(path)
                : SourcesUnder(path);
        Compilation compilation = Generate(
            "Scanned",
            program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
            files,
            GeneratorHarness.References);
        var generated = compilation.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(generated);
        IntrinsicGuardScanner.Result result = IntrinsicGuardScanner.Scan(compilation);
        Report(path, result);
        // Every generated element-wise loop has a Vector512 pass, so even the smallest of these sources (samples/Parameters:
        // 20 uses) has many; a blind scanner finds none. The bound is not a count of kernels: emitting changes move it.
        Assert.True(result.UsesPerCapability.GetValueOrDefault(IntrinsicGuardScanner.Vector512Capability) >= 10, "too few Vector512 uses found in the generated kernels: is the scanner blind?");
        AssertNoViolations(result);
    }

    // ---- the rule, case by case: each of these must be able to fail ----

    [Fact]
    public void An_unguarded_Vector512_operation_in_a_public_method_is_a_violation()
    {
        var violations = ScanSnippet("""
            public static class K
            {
                public static float Sum(float[] a) => Vector512.Sum(Vector512.Create(a[0]));
            }
            """);
        Assert.Contains(violations, v => v.Capability == "Vector512" && v.Root.Contains("K.Sum", StringComparison.Ordinal));
    }

    [Fact]
    public void A_Vector512_operation_under_IsHardwareAccelerated_is_not()
    {
        Assert.Empty(ScanSnippet("""
            public static class K
            {
                public static float Sum(float[] a)
                {
                    if (Vector512.IsHardwareAccelerated && a.Length > 0)
                    {
                        return Vector512.Sum(Vector512.Create(a[0]));
                    }

                    return a[0];
                }

                public static float Sum2(float x) => !Vector512.IsHardwareAccelerated ? x : Vector512.Sum(Vector512.Create(x));

                public static float Sum3(float x)
                {
                    if (!Vector512.IsHardwareAccelerated || x < 0)
                    {
                        return x;
                    }

                    return Vector512.Sum(Vector512.Create(x));
                }
            }
            """));
    }

    [Fact]
    public void The_wrong_check_does_not_guard()
    {
        var violations = ScanSnippet("""
            public static class K
            {
                public static float Sum(float x) => Vector256.IsHardwareAccelerated ? Vector512.Sum(Vector512.Create(x)) : x;

                public static float Sum2(float x)
                {
                    if (Vector512.IsHardwareAccelerated || x > 0)
                    {
                        return Vector512.Sum(Vector512.Create(x));
                    }

                    return x;
                }
            }
            """);
        Assert.Contains(violations, v => v.Root.Contains("K.Sum(", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Root.Contains("K.Sum2(", StringComparison.Ordinal));
    }

    [Fact]
    public void A_helper_only_called_under_the_check_is_fine_and_one_called_without_it_is_not()
    {
        const string helper = """
            public static class K
            {
                private static float Wide(float x) => Vector512.Sum(Vector512.Create(x));

                public static float Guarded(float x) => Vector512.IsHardwareAccelerated ? Wide(x) : x;

                public static float Unguarded(float x) => Twice(x);

                private static float Twice(float x) => Wide(x) + Wide(x);
            }
            """;
        var violations = ScanSnippet(helper);
        Assert.DoesNotContain(violations, v => v.Root.Contains("Guarded(", StringComparison.Ordinal) && !v.Root.Contains("Unguarded", StringComparison.Ordinal));
        var unguarded = Assert.Single(violations.Select(v => v.Root).Distinct());
        Assert.Contains("K.Unguarded(", unguarded, StringComparison.Ordinal);
        Assert.Contains(violations, v => v.Location.Contains("K.Wide(", StringComparison.Ordinal));
    }

    [Fact]
    public void A_generic_kernel_instantiated_with_Vector512_is_a_use_at_the_call()
    {
        var violations = ScanSnippet("""
            public static class K
            {
                private static T Id<T>(T x) => x;

                public static void Run()
                {
                    Id<Vector512<float>>(default);
                    if (Vector512.IsHardwareAccelerated)
                    {
                        Id<Vector512<float>>(default);
                    }
                }
            }
            """);
        Assert.Single(violations, v => v.Capability == "Vector512" && v.Code.StartsWith("Id<Vector512<float>>", StringComparison.Ordinal));
    }

    [Fact]
    public void Count_and_the_check_itself_are_not_uses_but_a_private_method_reached_through_an_interface_is_a_root()
    {
        var violations = ScanSnippet("""
            public interface IRun { int Run(); }

            internal sealed class R : IRun
            {
                public int Run() => Vector512<float>.Count + (Vector512.IsHardwareAccelerated ? 1 : 0) + (int)Vector512.Sum(Vector512<float>.One);
            }
            """);
        Assert.Contains(violations, v => v.Code.StartsWith("Vector512.Sum", StringComparison.Ordinal));
        Assert.All(violations, v => Assert.Contains("Vector512.Sum", v.Location + v.Code + "Vector512.Sum", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Code.Contains("Count", StringComparison.Ordinal) || v.Code.Contains("IsHardwareAccelerated", StringComparison.Ordinal));
        Assert.All(violations, v => Assert.Equal("R.Run()", v.Root));
    }

    [Fact]
    public void An_intrinsic_needs_its_class_or_a_derived_class_checked()
    {
        var violations = ScanSnippet("""
            public static class K
            {
                public static Vector256<float> A(Vector256<float> a) => Avx.Add(a, a);
                public static Vector256<float> B(Vector256<float> a) => Avx2.IsSupported ? Avx.Add(a, a) : a + a;
                public static Vector256<float> C(Vector256<float> a) => Avx512F.IsSupported ? Avx.Add(a, a) : a + a;
                public static Vector256<float> D(Vector256<float> a) => Sse.IsSupported ? Avx.Add(a, a) : a + a;
                public static Vector128<float> E(Vector128<float> a) => AdvSimd.Arm64.IsSupported ? AdvSimd.Add(a, a) : a + a;
                public static Vector256<float> F(Vector256<float> a)
                {
                    if (!Fma.IsSupported)
                    {
                        return a * a + a;
                    }

                    return Fma.MultiplyAdd(a, a, a);
                }
            }
            """);
        Assert.Equal(["K.A(", "K.D("], violations.Select(v => v.Root[..4]).Order().ToArray());
        Assert.All(violations, v => Assert.Equal("X86.Avx", v.Capability));
    }

    private static List<IntrinsicGuardScanner.Violation> ScanSnippet(string source)
    {
        string text = "using System.Runtime.Intrinsics;\nusing System.Runtime.Intrinsics.X86;\nusing System.Runtime.Intrinsics.Arm;\n" + source;
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(text, Parse, "Snippet.cs")],
            Basic.Reference.Assemblies.Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return IntrinsicGuardScanner.Scan(compilation).Violations.ToList();
    }

    /// <summary>The runtime tests' layer definitions (*Layers.cs) that compile without xunit and the tests' fixtures (all but FixtureLayers.cs today).</summary>
    private static string[] LayerFilesWithoutTestInfrastructure(string folder) =>
        Directory.GetFiles(RepositoryFiles.FullPath(folder), "*Layers.cs")
            .Where(f => File.ReadAllText(f) is var text && !text.Contains("using Xunit", StringComparison.Ordinal) && !text.Contains("LayerGen.Tests.Infrastructure", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The .cs files under <paramref name="folder"/> (repository-relative), without bin/ and obj/.</summary>
    private static string[] SourcesUnder(string folder)
    {
        string root = RepositoryFiles.FullPath(folder);
        return Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Compiles <paramref name="files"/>, runs the LayerGen generator on them, and returns the compilation with its output; fails on any compile error.</summary>
    private static Compilation Generate(string assemblyName, OutputKind kind, string[] files, ImmutableArray<MetadataReference> references)
    {
        var compilation = CSharpCompilation.Create(
            assemblyName,
            files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Parse, f)),
            references,
            new CSharpCompilationOptions(kind, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new LayerGenerator().AsSourceGenerator()], parseOptions: Parse);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation withGenerated, out _);
        var errors = withGenerated.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(10).ToArray();
        Assert.True(errors.Length == 0, $"{assemblyName}: the compilation the scan needs has errors:{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => e.ToString()))}");
        return withGenerated;
    }

    /// <summary>Fails listing each unguarded use once, with up to three of the entry points that reach it.</summary>
    private static void AssertNoViolations(IntrinsicGuardScanner.Result result)
    {
        if (result.Violations.Count == 0)
        {
            return;
        }

        var lines = result.Violations
            .GroupBy(v => (v.Capability, v.Location, v.Code))
            .Select(g => $"  {g.Key.Capability}: {g.Key.Location}: {g.Key.Code}{Environment.NewLine}      reached from {string.Join("; ", g.Select(v => v.Root).Distinct().Take(3))}{(g.Select(v => v.Root).Distinct().Count() > 3 ? "; …" : "")}");
        Assert.Fail($"Code paths that use an ISA without checking for it (guard them with `if (Vector512.IsHardwareAccelerated)` / `if (X.IsSupported)`, or call them only under such a check):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
    }

    private void Report(string what, IntrinsicGuardScanner.Result result)
    {
        output.WriteLine($"{what}: {result.Members} members; uses per capability: {string.Join(", ", result.UsesPerCapability.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}");
        foreach (IntrinsicGuardScanner.Violation v in result.Violations.Take(50))
        {
            output.WriteLine("  " + v);
        }
    }
}
