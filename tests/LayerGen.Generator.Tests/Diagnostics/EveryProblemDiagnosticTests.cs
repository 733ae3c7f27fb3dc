using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// A forward with several problems reports each of them in one build, each on its own syntax, rather than the
/// first only; a local whose value could not be read is still known, so its uses below add no second error.
/// </summary>
public sealed class EveryProblemDiagnosticTests
{
    [Fact]
    public void LG0003_on_every_statement_that_cannot_be_compiled()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class TwoSlips
            {
                Tensor Forward(Tensor x)
                {
                    var h = Ops.Relu({|LG0003:x.AsParameter()|});
                    var g = h * 2f;
                    while ({|LG0003:g.Sum().Item() > 1f|})
                    {
                        g = g * 0.5f;
                    }

                    return g + h;
                }
            }
            """,
            "LayerGen cannot compile 'x.AsParameter()' in the forward definition of 'TwoSlips': 'AsParameter' is not an op LayerGen can compile (see docs/ops.md)",
            "LayerGen cannot compile 'g.Sum().Item() > 1f' in the forward definition of 'TwoSlips': a while loop runs until a value known only at run time says stop, and LayerGen resolves a forward's control flow at compile time; write a 'for' loop whose bound is a constant or a size of the layer");
    }

    [Fact]
    public void LG0003_on_both_sides_of_an_operator()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class BothSides
            {
                Tensor Forward(Tensor x) => {|LG0003:x.AsParameter()|} + {|LG0003:Helper.Twice(x)|};
            }

            static class Helper
            {
                public static Tensor Twice(Tensor t) => t * 2f;
            }
            """,
            "LayerGen cannot compile 'x.AsParameter()' in the forward definition of 'BothSides': 'AsParameter' is not an op LayerGen can compile (see docs/ops.md)",
            "LayerGen cannot compile 'Helper.Twice(x)' in the forward definition of 'BothSides': 'Twice' is not an op LayerGen can compile (see docs/ops.md)");
    }
}
