using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused now that a loss's classes may be a run-time size (D2L's cross-entropy with no declared input
/// compiles): a loss whose forward needs more of its input than that one trailing size — the classes are one size,
/// so a reduction over them leaves nothing to pick along (declare the input, <c>[Loss(Input = "[*, steps, classes]")]</c>,
/// for more). LG0005 on the pick. A layer whose features are read at run time compiles, and so does a parent calling it,
/// which tells it one width per call: LG0005 when one child is called with two (a structural op on undeclared features:
/// UnknownFeaturesDiagnosticTests).
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
    public void LG0005_one_child_reading_its_features_called_with_two_widths()
    {
        // The kernels tell such a child one width per call of the parent; the second call's differs.
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
            public partial class TwoHeads(int n, int k, int m)
            {
                [Parameter] Tensor a = Tensor.Randn(n, k);
                [Parameter] Tensor b = Tensor.Randn(n, m);
                RowSoftmax softmax = new();

                Tensor Forward(Tensor x) => Ops.Concat(-1, softmax.Call(x.MatMul(a)), [|softmax.Call(x.MatMul(b))|]);
            }
            """);
        var run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.Null(run.Exception);
        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Id.StartsWith("LG", System.StringComparison.Ordinal));
        Assert.Equal("LG0005", error.Id);
        Assert.Equal(spans[0].Span, error.Location.SourceSpan);
        Assert.Equal(
            "Shape mismatch in 'softmax.Call(x.MatMul(b))': child layer 'softmax' reads its features from its input and is told one width per call of this layer, but is called here with features [m] after [k] ('softmax.Call(x.MatMul(a))'): give each use an instance of its own",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new[] { "Demo.RowSoftmax.g.cs" }, run.GeneratedSources.Keys.Where(k => k.StartsWith("Demo.", System.StringComparison.Ordinal)).ToArray());
    }
}
