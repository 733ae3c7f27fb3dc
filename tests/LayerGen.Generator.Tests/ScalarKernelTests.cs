using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// <c>&lt;LayerGenScalarKernels&gt;true&lt;/LayerGenScalarKernels&gt;</c> makes every kernel plain scalar loops (no
/// vectors, no GEMM calls) for stepping through in a debugger. They must compute what the vector kernels compute: every
/// op family's case against PyTorch's numbers (as <see cref="OpFamilyFixtureTests"/> does for the vector kernels), and
/// the chapter's layers against the vector kernels of the same layer on the same values. <c>KernelName</c> says which
/// kernels ran.
/// </summary>
public sealed class ScalarKernelTests
{
    // As OpFamilyFixtureTests: float32 against float64, a few roundings (sums add in another order here).
    private const double Atol = 1e-5;
    private const double Rtol = 1e-5;

    public static TheoryData<string> Cases() => new(OpFamilyCase.All.Select(c => c.ToString()));

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_scalar_kernels_match_PyTorch(string name)
    {
        OpFamilyCase c = OpFamilyCase.All.Single(x => x.ToString() == name);
        var (assembly, context, source) = Compile(scalar: true, c.Source());
        try
        {
            AssertScalar(source);
            var layer = (ILayer)Activator.CreateInstance(assembly.GetType("OpFamilies.Case", throwOnError: true)!, c.N)!;
            Assert.Equal($"Case[n={c.N}] (scalar loops)", layer.KernelName);
            layer.Train(false);
            foreach (var (parameterName, parameter) in layer.NamedParameters())
            {
                c.Parameters[parameterName].Floats.CopyTo(parameter.Data, 0);
            }

            var x = Tensor.From(c.Inputs["x"].Floats, c.Inputs["x"].Shape);
            x.RequiresGrad = true;
            Tensor y = layer.Call(x);
            OpFamilyCase.AssertClose(c.Output, y, $"{c} scalar output", Atol, Rtol);
            y.Backward(Tensor.From(c.Dy.Floats, c.Dy.Shape));
            OpFamilyCase.AssertClose(c.Grads["x"], x.Grad!, $"{c} scalar d/dx", Atol, Rtol);
            foreach (var (parameterName, parameter) in layer.NamedParameters())
            {
                OpFamilyCase.AssertClose(c.Grads[parameterName], parameter.Grad!, $"{c} scalar d/d{parameterName}", Atol, Rtol);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    [Theory]
    [InlineData("Chapter.MyLinear", new[] { 64, 8 }, 5, "MyLinear[inUnits=64, units=8]")] // large enough for the GEMM
    [InlineData("Chapter.MyLinear", new[] { 5, 3 }, 2, "MyLinear[inUnits=5, units=3]")]
    [InlineData("Chapter.MyLinear", new[] { 7, 4 }, 3, "MyLinear[run-time sizes]")]
    [InlineData("Chapter.CenteredLayer", new int[0], 4, "CenteredLayer")]
    public void The_chapter_layers_scalar_kernels_agree_with_their_vector_kernels(string type, int[] sizes, int rows, string kernel)
    {
        string[] sources = [ChapterSources.CenteredLayer, ChapterSources.MyLinear, ChapterSources.Linear64x8, ChapterSources.Net];
        var (vectorAssembly, vectorContext, _) = Compile(scalar: false, sources);
        var (scalarAssembly, scalarContext, scalarSource) = Compile(scalar: true, sources);
        try
        {
            AssertScalar(scalarSource);
            var vector = (ILayer)Activator.CreateInstance(vectorAssembly.GetType(type, throwOnError: true)!, sizes.Cast<object>().ToArray())!;
            var scalar = (ILayer)Activator.CreateInstance(scalarAssembly.GetType(type, throwOnError: true)!, sizes.Cast<object>().ToArray())!;
            Assert.Equal(kernel, vector.KernelName);
            Assert.Equal(kernel + " (scalar loops)", scalar.KernelName);

            var random = new Random(7);
            var scalarParameters = scalar.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
            foreach (var (parameterName, parameter) in vector.NamedParameters())
            {
                // Values from this test's own seed, not the process-wide generator that tests running beside it draw from
                // too: the same numbers every run, so a tolerance that holds once holds always.
                for (int i = 0; i < parameter.Data.Length; i++)
                {
                    parameter.Data[i] = (float)(random.NextDouble() * 2 - 1);
                }

                parameter.Data.CopyTo(scalarParameters[parameterName].Data, 0);
            }

            int features = vector.InputRowLength;
            float[] values = Enumerable.Range(0, rows * features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var (vectorY, vectorDx) = ForwardAndBackward(vector, values, rows, features);
            var (scalarY, scalarDx) = ForwardAndBackward(scalar, values, rows, features);

            AssertClose(vectorY, scalarY, "output");
            AssertClose(vectorDx, scalarDx, "d/dx");
            foreach (var (parameterName, parameter) in vector.NamedParameters())
            {
                AssertClose(parameter.Grad!.Data, scalarParameters[parameterName].Grad!.Data, "d/d" + parameterName);
            }
        }
        finally
        {
            vectorContext.Unload();
            scalarContext.Unload();
        }
    }

    [Fact]
    public void MyLinear_as_scalar_loops_reads_as_triple_loops()
    {
        var (_, context, source) = Compile(scalar: true, ChapterSources.MyLinear, ChapterSources.Linear64x8);
        context.Unload();
        AssertScalar(source);
        Snapshot.Match(source, "MyLinear_64x8_Scalar");
    }

    private static (float[] Y, float[] Dx) ForwardAndBackward(ILayer layer, float[] values, int rows, int features)
    {
        var x = Tensor.From(values, [rows, features]);
        x.RequiresGrad = true;
        Tensor y = layer.Call(x);

        // A loss whose gradient is not uniform, so every element's gradient is checked.
        (y * y).Sum().Backward();
        return (y.Data.ToArray(), x.Grad!.Data.ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = Atol + Rtol * Math.Abs(expected[i]);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: vector {expected[i]}, scalar {actual[i]}");
        }
    }

    /// <summary>The kernel classes of a scalar build use no vector type and call no GEMM.</summary>
    private static void AssertScalar(string source)
    {
        Assert.Contains("(scalar loops)", source, StringComparison.Ordinal);
        string code = Regex.Replace(source, @"//.*", string.Empty);
        Assert.DoesNotMatch(@"\bVector(128|256|512)?\b|\bVector(128|256|512)?<|Gemm\.", code);
    }

    /// <summary>The sources with the generator's output, compiled and loaded in a collectible context, and the generated text.</summary>
    private static (Assembly Assembly, AssemblyLoadContext Context, string Source) Compile(bool scalar, params string[] sources)
    {
        var driver = CSharpGeneratorDriver.Create(
            [new LayerGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: scalar ? VerifyIrOptions.WithScalarKernels : VerifyIrOptions.Enabled);
        driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.CreateCompilation(sources), out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));

        var image = new MemoryStream();
        Assert.True(output.Emit(image).Success);
        image.Position = 0;
        var context = new AssemblyLoadContext(scalar ? "ScalarKernels" : "VectorKernels", isCollectible: true);
        string generated = string.Join("\n", output.SyntaxTrees.Skip(sources.Length).Select(t => t.ToString()));
        return (context.LoadFromStream(image), context, generated);
    }
}
