using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused now that a loss's classes may be a run-time size (D2L's cross-entropy with no declared input
/// compiles): a loss whose forward needs more of its input than that one trailing size — the classes are one size,
/// so a reduction over them leaves nothing to pick along (declare the input, <c>[Loss(Input = "[*, steps, classes]")]</c>,
/// for more). LG0005 on the pick. A layer whose features are read at run time compiles, but a parent cannot call it
/// yet: LG0005 on the call, naming the fix (a structural op on undeclared features: UnknownFeaturesDiagnosticTests).
/// </summary>
public sealed class RunTimeFeaturesDiagnosticTests
{
    [Fact]
    public void LG0005_a_loss_picking_along_an_axis_its_one_run_time_size_does_not_leave()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Loss]
            public partial class SummedPick
            {
                Tensor Forward(Tensor yHat, Tensor y) => -{|LG0005:Ops.Pick(yHat.Sum(-1), y)|}.Mean();
            }
            """,
            "Shape mismatch in 'Ops.Pick(yHat.Sum(-1), y)': Pick needs one index per row of [*], shape [], but the indices have shape [*]");
    }

    [Fact]
    public void LG0005_a_parent_calling_a_child_that_reads_its_features_at_run_time()
    {
        // The child compiles (and emits); the parent does not, with the error on its call of the child.
        var (source, spans) = Markup.Parse(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class RowSoftmax
            {
                Tensor Forward(Tensor x) => x.Softmax(-1);
            }

            [Layer]
            public partial class Head(int n, int k)
            {
                [Parameter] Tensor w = Tensor.Randn(n, k);
                RowSoftmax softmax = new();

                Tensor Forward(Tensor x) => [|softmax.Call(x.MatMul(w))|];
            }
            """);
        var run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.Null(run.Exception);
        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Id.StartsWith("LG", System.StringComparison.Ordinal));
        Assert.Equal("LG0005", error.Id);
        Assert.Equal(spans[0].Span, error.Location.SourceSpan);
        Assert.Equal(
            "Shape mismatch in 'softmax.Call(x.MatMul(w))': child layer 'softmax' (Demo.RowSoftmax) reads its input's features at each call (nothing in it fixes them), and a parent cannot pass it that size yet: declare its input, e.g. [Layer(Input = \"[*, n]\")] with a constructor size n, and construct it with that size",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new[] { "Demo.RowSoftmax.g.cs" }, run.GeneratedSources.Keys.Where(k => k.StartsWith("Demo.", System.StringComparison.Ordinal)).ToArray());
    }
}
