using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused now that a loss's classes may be a run-time size (D2L's cross-entropy with no declared input
/// compiles): a loss whose forward needs more of its input than that one trailing size — the classes are one size,
/// so a reduction over them leaves nothing to pick along (declare the input, <c>[Loss(Input = "[*, steps, classes]")]</c>,
/// for more). LG0005 on the pick. A layer (not a loss) reading an axis of an input nothing fixes stays LG0005 too
/// (UnknownFeaturesDiagnosticTests).
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
}
