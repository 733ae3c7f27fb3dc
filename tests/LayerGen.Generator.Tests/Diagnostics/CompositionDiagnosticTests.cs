using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// Diagnostics about how layers are used rather than written: a Sequential whose layers do not fit
/// (LG0010, on the layer that cannot take its input), a parameter the forward never reads (LG0011,
/// warning), and a construction with sizes known only at run time (LG0012, info). Layers still emit.
/// </summary>
public sealed class CompositionDiagnosticTests
{
    private const string Layers = """
        using LayerGen;

        namespace Demo;

        [Layer]
        public partial class MyLinear(int inUnits, int units)
        {
            [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
            [Parameter] Tensor bias = Tensor.Randn(units);

            Tensor Forward(Tensor x) => Ops.Relu(x.MatMul(weight) + bias);
        }

        [Layer]
        public partial class CenteredLayer
        {
            Tensor Forward(Tensor x) => x - x.Mean();
        }
        """;

    private static Diagnostic[] Run(string code, string id)
    {
        var (source, spans) = Markup.Parse(code);
        var run = GeneratorHarness.Run<LayerGenerator>(Layers, source);
        Assert.Null(run.Exception);
        var found = run.GeneratorDiagnostics.Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start).ToArray();
        Assert.Equal(spans.Select(s => s.Span), found.Select(d => d.Location.SourceSpan));
        return found;
    }

    [Fact]
    public void LG0010_a_layer_expecting_other_features_than_the_previous_one_produces()
    {
        var found = Run(
            """
            using LayerGen;
            namespace Demo;
            static class Use
            {
                static Sequential Net() => new Sequential(new MyLinear(64, 8), [|new MyLinear(16, 1)|]);
            }
            """,
            "LG0010");
        Assert.Equal(DiagnosticSeverity.Error, found[0].Severity);
        Assert.Equal("'new MyLinear(16, 1)' expects 16 input feature(s) but 'new MyLinear(64, 8)' before it produces 8", found[0].GetMessage());
    }

    [Fact]
    public void LG0010_flows_through_shape_agnostic_and_built_in_layers()
    {
        var found = Run(
            """
            using LayerGen;
            namespace Demo;
            static class Use
            {
                static Sequential Net() => new Sequential(new Linear(8, 128), new CenteredLayer(), new ReLU(), [|new MyLinear(64, 1)|]);
                static Sequential Fine() => new Sequential(new Linear(8, 128), new CenteredLayer(), new ReLU(), new MyLinear(128, 1));
            }
            """,
            "LG0010");
        Assert.Equal("'new MyLinear(64, 1)' expects 64 input feature(s) but 'new ReLU()' before it produces 128", found[0].GetMessage());
    }

    [Fact]
    public void LG0011_a_parameter_the_forward_never_reads_is_a_warning_and_the_layer_still_emits()
    {
        var (source, spans) = Markup.Parse(
            """
            using LayerGen;
            namespace Demo;
            [Layer]
            public partial class Forgetful(int n)
            {
                [Parameter] Tensor weight = Tensor.Randn(n);
                [Parameter] Tensor [|scale|] = Tensor.Ones(n);

                Tensor Forward(Tensor x) => x * weight;
            }
            """);
        var run = GeneratorHarness.Run<LayerGenerator>(source);
        var warning = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "LG0011");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(spans[0].Span, warning.Location.SourceSpan);
        Assert.Equal("The parameter 'scale' of 'Forgetful' is never used by the forward definition; it will get no gradient", warning.GetMessage());
        Assert.Contains(run.GeneratedSources.Keys, k => k.EndsWith("Forgetful.g.cs", System.StringComparison.Ordinal));
    }

    [Fact]
    public void LG0012_a_construction_with_run_time_sizes_is_an_info()
    {
        var found = Run(
            """
            using LayerGen;
            namespace Demo;
            static class Use
            {
                static MyLinear Make(int n) => [|new MyLinear(n, 8)|];
                static MyLinear Constant() => new MyLinear(4, 8);
            }
            """,
            "LG0012");
        Assert.Equal(DiagnosticSeverity.Info, found[0].Severity);
    }

    [Fact]
    public void LG0012_is_on_the_parent_not_on_a_child_constructed_from_the_parents_sizes()
    {
        // The child follows its parent: constant when the parent is (ChildSpecialisationTests), run-time when it is not.
        Run(
            """
            using LayerGen;
            namespace Demo;

            [Layer]
            public partial class Net(int inputs, int hidden)
            {
                MyLinear fc1 = new(inputs, hidden);
                MyLinear fc2 = new MyLinear(hidden, 3);

                Tensor Forward(Tensor x) => fc2.Call(fc1.Call(x));
            }

            static class Use
            {
                static Net Make(int n) => [|new Net(n, 8)|];
            }
            """,
            "LG0012");
    }

    [Fact]
    public void LG0012_still_on_a_child_constructed_from_something_other_than_the_parents_sizes()
    {
        Run(
            """
            using LayerGen;
            namespace Demo;

            [Layer]
            public partial class Net(int inputs)
            {
                MyLinear fc1 = [|new(inputs, Use.Width)|];

                Tensor Forward(Tensor x) => fc1.Call(x);
            }

            static class Use
            {
                public static int Width = 8;
            }
            """,
            "LG0012");
    }

    [Fact]
    public void LG0012_on_the_built_ins_told_their_sizes_only_at_run_time()
    {
        // new CrossEntropyLoss(10) gets a constant-size kernel in this assembly; new CrossEntropyLoss(n) runs the
        // run-time one, as a layer with run-time sizes does. Without classes it states no size: nothing to say.
        var found = Run(
            """
            using LayerGen;
            namespace Demo;
            static class Use
            {
                static CrossEntropyLoss Make(int n) => [|new CrossEntropyLoss(n)|];
                static CrossEntropyLoss Summed(int n) => [|new CrossEntropyLoss(n, Reduction.Sum)|];
                static CrossEntropyLoss Constant() => new CrossEntropyLoss(10);
                static CrossEntropyLoss Learnt() => new CrossEntropyLoss();
                static CrossEntropyLoss Named() => new CrossEntropyLoss(reduction: Reduction.Sum, classes: 3);
                static Linear Layer(int n) => [|new Linear(n, 8)|];
                static Linear ConstantLayer() => new Linear(4, 8);
            }
            """,
            "LG0012");
        Assert.Equal(DiagnosticSeverity.Info, found[0].Severity);
        Assert.StartsWith("'new CrossEntropyLoss(n)' is constructed with sizes that are not constants", found[0].GetMessage(), System.StringComparison.Ordinal);
    }
}
