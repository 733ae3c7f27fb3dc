using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused around a <c>Forward</c> of several inputs: an <c>Input</c> declaration whose count of shapes
/// differs from the inputs' (LG0007, on the attribute), and a child of several inputs called with one argument (LG0005,
/// on the call).
/// </summary>
public sealed class SeveralInputDiagnosticTests
{
    [Fact]
    public void LG0007_an_Input_declaring_one_shape_for_a_forward_of_two_inputs()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [{|LG0007:Layer(Input = "[*, n]")|}]
            public partial class Pair(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x, Tensor y) => x * w + y;
            }
            """,
            "The [Layer] class 'Pair' is not supported: Input declares 1 shape(s) but Forward takes 2 input(s) (x, y); declare one per input, in order, separated by ';', e.g. Input = \"[*, n]; [*, m]\"");
    }

    [Fact]
    public void LG0003_a_helper_returning_a_tuple_of_more_than_tensors()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Split(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x)
                {
                    var (h, _) = {|LG0003:Both(x * w)|};
                    return h;
                }

                private static (Tensor, int) Both(Tensor t) => (t, 2);
            }
            """,
            "LayerGen cannot compile 'Both(x * w)' in the forward definition of 'Split': a helper called in a forward definition takes tensors and ints and returns a Tensor or a tuple of them; 'Both' returns (LayerGen.Tensor, int)");
    }

    [Fact]
    public void LG0006_a_loss_returning_a_tuple()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Loss]
            public partial class Pair
            {
                (Tensor, Tensor) {|LG0006:Forward|}(Tensor input, Tensor target) => ((input - target).Mean(), input.Mean());
            }
            """,
            "The forward definition of 'Pair' is not supported: a loss's must be 'Tensor Forward(Tensor input, Tensor target)'");
    }

    [Fact]
    public void LG0007_an_Input_with_a_malformed_second_shape()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [{|LG0007:Layer(Input = "[*, n]; [n]")|}]
            public partial class Pair(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x, Tensor y) => x * w + y;
            }
            """,
            "The [Layer] class 'Pair' is not supported: Input = \"[*, n]; [n]\" must be '*' (the batch) followed by positive constants, int primary-constructor parameters or sizes computed from them with + - * / %, e.g. \"[*, n]\" or \"[*, n + m]\" (one such shape per input, separated by ';')");
    }

    /// <summary>
    /// C# refuses the call too (Call takes two tensors); the generator says why on the call instead of emitting a kernel
    /// that calls a span API the child does not have. The child itself compiles (so this is not DiagnosticAssert's
    /// "nothing generated" case): the parent's one LayerGen error is checked here, span and message.
    /// </summary>
    [Fact]
    public void LG0005_a_child_of_two_inputs_called_with_one()
    {
        var (source, spans) = Markup.Parse(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Pair(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x, Tensor y) => (x + y) * w;
            }

            [Layer]
            public partial class Parent(int n)
            {
                private readonly Pair pair = new Pair(n);

                Tensor Forward(Tensor x) => {|LG0005:pair.Call(x)|};
            }
            """);
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.Null(run.Exception);
        Assert.Contains("Demo.Pair.g.cs", run.GeneratedSources.Keys);
        Assert.DoesNotContain("Demo.Parent.g.cs", run.GeneratedSources.Keys);
        var errors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        var error = Assert.Single(errors);
        Assert.Equal("LG0005", error.Id);
        Assert.Equal(spans.Single().Span, error.Location.SourceSpan);
        Assert.Equal(
            "Shape mismatch in 'pair.Call(x)': 'pair' (Demo.Pair) takes 2 inputs, so it is called with 2 arguments",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>C# refuses it too (CS1503: the layer is no ILayer); LG0013 says why, on the argument.</summary>
    [Fact]
    public void LG0013_a_layer_of_two_inputs_given_to_a_Sequential()
    {
        var (source, spans) = Markup.Parse(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Pair(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x, Tensor y) => (x + y) * w;
            }

            public static class Model
            {
                public static Sequential Make() => new Sequential({|LG0013:new Pair(4)|});
            }
            """);
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.Null(run.Exception);
        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Id.StartsWith("LG", System.StringComparison.Ordinal));
        Assert.Equal("LG0013", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(spans.Single().Span, error.Location.SourceSpan);
        Assert.Equal(
            "'new Pair(4)' takes 2 tensor(s) and returns 1, but a Sequential chains layers of one tensor in and one out (ILayer); call it in a layer's Forward instead",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["CS1503"], run.CompilationErrors.Select(d => d.Id).Distinct());
    }
}
