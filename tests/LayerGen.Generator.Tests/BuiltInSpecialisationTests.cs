using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
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

        /// <summary>Linear children constructed from the parent's sizes: constant wherever the parent is.</summary>
        [Layer]
        public partial class Mlp(int inputs, int hidden)
        {
            Linear fc1 = new(inputs, hidden);
            Linear fc2 = new Linear(hidden, 3);

            Tensor Forward(Tensor x) => fc2.Call(Ops.Relu(fc1.Call(x)));
        }

        public static class Use
        {
            public static ILayer Parent() => new Mlp(11, 19);

            public static ILayer RunTimeParent(int inputs) => new Mlp(inputs, 19);

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
    public void A_constant_parent_specialises_its_Linear_children()
    {
        var run = GeneratorHarness.Run<LayerGenerator>(User);
        string source = run.Source("LinearSpecialisations.g.cs");
        Assert.Contains("SpecialisedKernels.Register(\"LayerGen.Linear\", [11, 19]", source);
        Assert.Contains("SpecialisedKernels.Register(\"LayerGen.Linear\", [19, 3]", source);

        var (assembly, context) = CompileAndLoad(User);
        try
        {
            Type use = assembly.GetType("BuiltIns.Use", throwOnError: true)!;
            var parent = (ILayer)use.GetMethod("Parent")!.Invoke(null, null)!;
            Assert.Equal("Mlp[inputs=11, hidden=19]", parent.KernelName);
            var children = parent.NamedChildren().ToDictionary(c => c.Key, c => (ILayer)c.Value);
            Assert.Equal("Linear[inFeatures=11, outFeatures=19]", children["fc1"].KernelName);
            Assert.Equal("Linear[inFeatures=19, outFeatures=3]", children["fc2"].KernelName);

            // The parent's forward and gradients, through its children's constant kernels, against the eager path.
            const int rows = 5;
            var random = new Random(3);
            float[] x = Enumerable.Range(0, rows * 11).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] upstream = Enumerable.Range(0, rows * 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var kernels = Run(parent, x, upstream, rows, eager: false);
            var eager = Run(parent, x, upstream, rows, eager: true);
            for (int i = 0; i < kernels.Length; i++)
            {
                AssertClose(eager[i], kernels[i], $"result {i} (output, d/dx, then each parameter's gradient)");
            }

            // A parent with a size known only at run time: the child built from it runs the run-time kernel.
            var runTimeParent = (ILayer)use.GetMethod("RunTimeParent")!.Invoke(null, [43])!;
            var runTimeChildren = runTimeParent.NamedChildren().ToDictionary(c => c.Key, c => (ILayer)c.Value);
            Assert.Equal("Linear[run-time sizes]", runTimeChildren["fc1"].KernelName);
            Assert.Equal("Linear[inFeatures=19, outFeatures=3]", runTimeChildren["fc2"].KernelName);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void With_scalar_kernels_no_built_in_kernels_are_emitted()
    {
        // LayerGenScalarKernels promises scalar loops in the generated code; the built-ins' kernels are LayerGen.dll's vector loops.
        var driver = CSharpGeneratorDriver.Create(
            [new LayerGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: VerifyIrOptions.WithScalarKernels);
        var result = driver.RunGenerators(GeneratorHarness.CreateCompilation(User)).GetRunResult();
        Assert.Contains(result.GeneratedTrees, t => t.FilePath.EndsWith("Mlp.g.cs", StringComparison.Ordinal));
        Assert.DoesNotContain(result.GeneratedTrees, t => t.FilePath.Contains("Specialisations", StringComparison.Ordinal));
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

    internal static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(1f, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= EagerAgreement.RelativeTolerance * (Math.Abs(expected[i]) + scale), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }

    /// <summary>The user's source with the generator's output, compiled and loaded in a collectible context.</summary>
    internal static (Assembly Assembly, AssemblyLoadContext Context) CompileAndLoad(string source)
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
