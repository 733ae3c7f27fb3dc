using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>Diagnostics of [Loss] classes: a missing two-input forward (LG0008) and a non-scalar result (LG0005).</summary>
public sealed class LossDiagnosticTests
{
    [Fact]
    public void LG0008_a_loss_without_a_two_input_forward()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Loss]
            public partial class {|LG0008:Halfway|}
            {
                Tensor Forward(Tensor input) => input.Mean();
            }
            """,
            "The [Loss] class 'Halfway' needs a method 'Tensor Forward(Tensor input, Tensor target)' returning a scalar");
    }

    [Fact]
    public void LG0005_a_loss_that_does_not_reduce_to_a_scalar()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Loss]
            public partial class Unreduced
            {
                Tensor Forward(Tensor input, Tensor target) => {|LG0005:(input - target) * (input - target)|};
            }
            """,
            "Shape mismatch in '(input - target) * (input - target)': a loss returns a scalar, but this has shape [*]; reduce it, e.g. with .Mean()");
    }
}
