using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused around a child returning a tuple: its tuple used as one tensor (in an expression, or through a
/// local holding it), an element it does not have, and an element read from what is not a tuple (LG0005, each on the
/// expression at fault). The child compiles (so this is not DiagnosticAssert's "nothing generated" case): the parent's one
/// LayerGen error is checked, span and message, and the parent gets no kernel.
/// </summary>
public sealed class TupleChildDiagnosticTests
{
    private const string Child = """
        [Layer]
        public partial class Step(int n)
        {
            [Parameter] Tensor w = Tensor.Randn(n, n);

            (Tensor Output, Tensor State) Forward(Tensor x, Tensor h)
            {
                var next = Ops.Tanh(x.MatMul(w) + h);
                return (next * 2, next);
            }
        }
        """;

    private static string Parent(string forward) => $$"""
        using LayerGen;

        namespace Demo;

        {{Child}}

        [Layer]
        public partial class Net(int n)
        {
            private readonly Step step = new(n);

            {{forward}}
        }
        """;

    [Fact]
    public void LG0005_a_childs_tuple_used_as_one_tensor()
    {
        ParentReports(
            Parent("Tensor Forward(Tensor x, Tensor h) => {|LG0005:step.Call(x, h)|} + x;"),
            "Shape mismatch in 'step.Call(x, h)': 'step' (Demo.Step) returns 2 tensors, not one: take them apart, e.g. 'var (output, state) = step.Call(x, h);'");
    }

    [Fact]
    public void LG0005_a_local_holding_a_childs_tuple_used_as_one_tensor()
    {
        ParentReports(
            Parent("""
                Tensor Forward(Tensor x, Tensor h)
                {
                    var result = step.Call(x, h);
                    return {|LG0005:result|} * 2;
                }
                """),
            "Shape mismatch in 'result': 'result' is a tuple of 2 tensors, not a tensor: take it apart, e.g. 'var (output, state) = ...;', or read one element with '.Item1'");
    }

    [Fact]
    public void LG0005_an_element_a_childs_tuple_does_not_have()
    {
        ParentReports(
            Parent("""
                Tensor Forward(Tensor x, Tensor h)
                {
                    var result = step.Call(x, h);
                    return {|LG0005:result.Item3|};
                }
                """),
            "Shape mismatch in 'result.Item3': 'result' holds 2 tensors, so it has no element 3");
    }

    [Fact]
    public void LG0005_an_element_of_what_is_not_a_tuple()
    {
        ParentReports(
            Parent("Tensor Forward(Tensor x, Tensor h) => {|LG0005:x.Item1|} + h;"),
            "Shape mismatch in 'x.Item1': 'x' is not a tuple: only a child layer whose Forward returns several tensors gives one to take apart");
    }

    private static void ParentReports(string markup, string message)
    {
        var (source, spans) = Markup.Parse(markup);
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.Null(run.Exception);
        Assert.Contains("Demo.Step.g.cs", run.GeneratedSources.Keys);
        Assert.DoesNotContain("Demo.Net.g.cs", run.GeneratedSources.Keys);
        var error = Assert.Single(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal("LG0005", error.Id);
        Assert.Equal(spans.Single().Span, error.Location.SourceSpan);
        Assert.Equal(message, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
