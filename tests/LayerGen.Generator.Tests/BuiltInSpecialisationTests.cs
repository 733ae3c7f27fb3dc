using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// LayerGen's built-ins (compiled inside LayerGen.dll) run constant-size kernels at the user's constant constructions:
/// the generator, in the user's compilation, emits them into the user's assembly and registers them; the built-in finds
/// them when constructed. Checked by running the user's assembly: KernelName, and forward and every gradient against
/// the eager path and against the same definition's run-time-bounded kernel (a user layer with Linear's forward,
/// constructed with sizes the generator cannot see).
/// </summary>
public sealed class BuiltInSpecialisationTests
{
    // Sizes no other test constructs Linear with: the registry is one per process, so these tests own these keys.
    private const string User = """
        using LayerGen;

        namespace BuiltIns;

        /// <summary>Linear's forward, constructed below with run-time sizes only: the run-time-bounded kernel, as an oracle.</summary>
        [Layer]
        public partial class RunTimeLinear(int inFeatures, int outFeatures)
        {
            [Parameter] Tensor weight = Tensor.Randn(outFeatures, inFeatures);
            [Parameter] Tensor bias = Tensor.Randn(outFeatures);

            Tensor Forward(Tensor x) => x.MatMul(weight.T) + bias;
        }

        public static class Use
        {
            public static ILayer Plain() => new Linear(37, 23);

            public static Sequential InSequential() => new Sequential(new Linear(13, 29), new ReLU(), new Linear(29, 6));

            public static ILayer NotConstant(int inFeatures) => new Linear(inFeatures, 3);

            public static ILayer Reference(int inFeatures, int outFeatures) => new RunTimeLinear(inFeatures, outFeatures);
        }
        """;

    [Fact]
    public void What_is_emitted_into_the_users_assembly_for_constant_Linear_constructions()
    {
        var run = GeneratorHarness.Run<LayerGenerator>(User);
        run.AssertClean();
        string source = run.Source("LinearSpecialisations.g.cs");
        Assert.Contains("SpecialisedKernels.Register(\"LayerGen.Linear\", [37, 23]", source);
        Assert.Contains("SpecialisedKernels.Register(\"LayerGen.Linear\", [13, 29]", source);
        Assert.Contains("SpecialisedKernels.Register(\"LayerGen.Linear\", [29, 6]", source);
        Assert.DoesNotContain("[3, ", source); // new Linear(inFeatures, 3): not constant
        Snapshot.Match(source, "BuiltIn_LinearSpecialisations");
    }

    [Fact]
    public void A_program_without_built_in_constructions_gets_nothing_extra()
    {
        var run = GeneratorHarness.Run<LayerGenerator>("namespace Plain; public static class Use { public static LayerGen.ILayer Make(int n) => new LayerGen.Linear(n, n); }");
        run.AssertClean();
        Assert.Empty(run.GeneratedSources);
    }

    [Theory]
    [InlineData("Plain", 0, 1)]
    [InlineData("Plain", 0, 9)] // rows · 37 · 23 over the GEMM threshold
    [InlineData("InSequential", 0, 1)]
    [InlineData("InSequential", 2, 7)]
    public void A_constant_Linear_runs_its_constant_kernel_and_agrees_with_eager_and_run_time_kernels(string make, int index, int rows)
    {
        var (assembly, context) = CompileAndLoad(User);
        try
        {
            Type use = assembly.GetType("BuiltIns.Use", throwOnError: true)!;
            object made = use.GetMethod(make)!.Invoke(null, null)!;
            var layer = made is Sequential sequential ? sequential[index] : (ILayer)made;
            int inFeatures = layer.InputRowLength, outFeatures = layer.OutputRowLength;
            Assert.Equal($"Linear[inFeatures={inFeatures}, outFeatures={outFeatures}]", layer.KernelName);

            var reference = (ILayer)use.GetMethod("Reference")!.Invoke(null, [inFeatures, outFeatures])!;
            Assert.Equal("RunTimeLinear[run-time sizes]", reference.KernelName);
            var referenceParameters = reference.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
            foreach (var (name, parameter) in layer.NamedParameters())
            {
                parameter.Data.CopyTo(referenceParameters[name].Data, 0);
            }

            var random = new Random(rows);
            float[] x = Enumerable.Range(0, rows * inFeatures).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] upstream = Enumerable.Range(0, rows * outFeatures).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var specialised = Run(layer, x, upstream, rows, eager: false);
            var eager = Run(layer, x, upstream, rows, eager: true);
            var runTime = Run(reference, x, upstream, rows, eager: false);
            foreach (var (what, expected) in new[] { ("eager", eager), ("run-time kernel", runTime) })
            {
                for (int i = 0; i < specialised.Length; i++)
                {
                    AssertClose(expected[i], specialised[i], $"{what}, result {i} (output, d/dx, d/dweight, d/dbias)");
                }
            }
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void A_Linear_with_run_time_sizes_runs_the_run_time_kernel()
    {
        var (assembly, context) = CompileAndLoad(User);
        try
        {
            var layer = (ILayer)assembly.GetType("BuiltIns.Use", throwOnError: true)!.GetMethod("NotConstant")!.Invoke(null, [41])!;
            Assert.Equal("Linear[run-time sizes]", layer.KernelName);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Output, d/dx and each parameter's gradient of Σ upstream · layer(x), by the kernels or eagerly.</summary>
    private static float[][] Run(ILayer layer, float[] values, float[] upstream, int rows, bool eager)
    {
        layer.ZeroGrad();
        var x = Tensor.From(values, [rows, layer.InputRowLength]);
        x.RequiresGrad = true;
        Tensor y = eager ? layer.CallEager(x) : layer.Call(x);
        (y * Tensor.From(upstream, [rows, layer.OutputRowLength])).Sum().Backward();
        return [y.Data.ToArray(), x.Grad!.Data.ToArray(), .. layer.NamedParameters().Select(p => p.Value.Grad!.Data.ToArray())];
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(1f, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= EagerAgreement.RelativeTolerance * (Math.Abs(expected[i]) + scale), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }

    /// <summary>The user's source with the generator's output, compiled and loaded in a collectible context.</summary>
    private static (Assembly Assembly, AssemblyLoadContext Context) CompileAndLoad(string source)
    {
        var run = GeneratorHarness.Run<LayerGenerator>(source);
        run.AssertClean();
        var image = new MemoryStream();
        Assert.True(run.OutputCompilation.Emit(image).Success);
        image.Position = 0;
        var context = new AssemblyLoadContext("BuiltInSpecialisation", isCollectible: true);
        return (context.LoadFromStream(image), context);
    }
}
