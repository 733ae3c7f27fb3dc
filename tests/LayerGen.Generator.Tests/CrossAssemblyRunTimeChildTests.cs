using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// A layer whose features nothing fixes (run-time sizes read from its input: <c>x.Softmax(-1)</c>) compiled in one
/// assembly and held as a child by a layer of another (issue 16). The child's <c>[LayerSignature]</c> names its run-time
/// sizes, so the parent binds them from the shape it passes and tells the child, as within one compilation; the two
/// assemblies are then loaded together and the parent's kernels agree with its eager path, outputs and gradients.
/// </summary>
public sealed class CrossAssemblyRunTimeChildTests
{
    private const string LibraryName = "RunTimeLibrary";

    private const string Library =
        """
        using LayerGen;

        namespace RunTimeLibrary;

        [Layer]
        public partial class RowSoftmax
        {
            Tensor Forward(Tensor x) => x.Softmax(-1);
        }

        [Layer]
        public partial class StepSoftmax
        {
            Tensor Forward(Tensor x) => x.Softmax(-2);
        }
        """;

    private const string Consumer =
        """
        using LayerGen;
        using RunTimeLibrary;

        namespace Consumer;

        [Layer]
        public partial class SoftmaxHead(int n, int k)
        {
            [Parameter] Tensor weight = Tensor.Randn(n, k);
            RowSoftmax softmax = new();

            Tensor Forward(Tensor x) => softmax.Call(x.MatMul(weight));
        }

        [Layer(Input = "[*, steps, d]")]
        public partial class StepAttention(int steps, int d)
        {
            [Parameter] Tensor weight = Tensor.Randn(d, d);
            StepSoftmax attend = new();

            Tensor Forward(Tensor x) => attend.Call(x.MatMul(weight)) * x;
        }

        public static class Build
        {
            public static SoftmaxHead Head() => new(5, 4);
        }
        """;

    [Fact]
    public void The_signature_of_a_run_time_width_layer_names_its_run_time_sizes()
    {
        GeneratorRun library = GeneratorHarness.Run<LayerGenerator>(Library);
        library.AssertClean();
        Assert.Contains("LayerSignature(\"features\", \"[*, features]\", \"[*, features]\", RunTimeSizes = \"features\")", library.Source("RowSoftmax.g.cs"), StringComparison.Ordinal);
        Assert.Contains("LayerSignature(\"features1, features2\", \"[*, features1, features2]\", \"[*, features1, features2]\", RunTimeSizes = \"features1, features2\")", library.Source("StepSoftmax.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_time_width_child_from_another_assembly_is_told_its_width_and_agrees_with_the_eager_path()
    {
        byte[] libraryImage = EmitClean(GeneratorHarness.Run<LayerGenerator>(Library).OutputCompilation.WithAssemblyName(LibraryName));
        var compilation = GeneratorHarness.CreateCompilation(Consumer).WithAssemblyName("RunTimeConsumer").AddReferences(MetadataReference.CreateFromImage(libraryImage));

        // The driver itself rather than the harness: the harness's own eager check loads one assembly, and this one needs two.
        GeneratorHarness.CreateDriver(new LayerGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        string Generated(string layer) => output.SyntaxTrees.Single(t => t.FilePath.EndsWith("Consumer." + layer + ".g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("softmax.InputRowLength = ", Generated("SoftmaxHead"), StringComparison.Ordinal);
        Assert.Contains("attend.SetInputFeatures(", Generated("StepAttention"), StringComparison.Ordinal);

        var context = new TwoAssemblies(libraryImage);
        try
        {
            Assembly assembly = context.LoadFromStream(new MemoryStream(EmitClean(output)));
            var head = (ILayer)Activator.CreateInstance(assembly.GetType("Consumer.SoftmaxHead")!, 5, 4)!;
            Assert.Equal("SoftmaxHead[n=5, k=4]", head.KernelName);
            AgreeWithEager(head, [3, 5]);
            var attention = (ILayer)Activator.CreateInstance(assembly.GetType("Consumer.StepAttention")!, 3, 4)!;
            Assert.Equal("StepAttention[run-time sizes]", attention.KernelName);
            AgreeWithEager(attention, [2, 3, 4]);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>The generated kernels against the eager path (the forward as written, on the eager ops and their autograd): output, and gradients of Σ y·dy to the input and every parameter.</summary>
    private static void AgreeWithEager(ILayer layer, int[] inputShape)
    {
        Tensor.ManualSeed(71);
        var x = Tensor.Randn(inputShape);
        var dy = Tensor.Randn(layer.Call(x).Shape.ToArray());
        var (generated, generatedGrads) = OutputAndGradients(layer, x, dy, eager: false);
        var (eager, eagerGrads) = OutputAndGradients(layer, x, dy, eager: true);
        AssertClose(eager, generated, layer.KernelName + " output");
        for (int i = 0; i < eagerGrads.Length; i++)
        {
            AssertClose(eagerGrads[i], generatedGrads[i], $"{layer.KernelName} gradient {i} (0 is the input's)");
        }
    }

    private static (float[] Output, float[][] Gradients) OutputAndGradients(ILayer layer, Tensor x, Tensor dy, bool eager)
    {
        var input = x.Detach();
        input.RequiresGrad = true;
        layer.ZeroGrad();
        var method = layer.GetType().GetMethod("CallEager", [typeof(Tensor)])!;
        var y = eager ? (Tensor)method.Invoke(layer, [input])! : layer.Call(input);
        y.Backward(dy);
        var gradients = new[] { input.Grad!.Data.ToArray() }.Concat(layer.NamedParameters().Select(p => p.Value.Grad!.Data.ToArray())).ToArray();
        return (y.Data.ToArray(), gradients);
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"{what}[{i}]: eager {expected[i]}, generated {actual[i]}");
        }
    }

    private static byte[] EmitClean(Compilation compilation)
    {
        using var image = new MemoryStream();
        EmitResult emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return image.ToArray();
    }

    /// <summary>Loads the consumer with the library it references; LayerGen itself is the one this test process runs.</summary>
    private sealed class TwoAssemblies(byte[] library) : AssemblyLoadContext("CrossAssemblyRunTimeChild", isCollectible: true)
    {
        private Assembly? _library;

        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name == LibraryName ? _library ??= LoadFromStream(new MemoryStream(library)) : null;
    }
}
