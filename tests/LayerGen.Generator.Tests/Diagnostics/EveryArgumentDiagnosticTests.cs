using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// A call whose arguments have several problems reports each of them in one build, each on its own argument — not only
/// the first (issue 16): the arguments of an op, the receiver of a method with its arguments, and a child's arguments.
/// </summary>
public sealed class EveryArgumentDiagnosticTests
{
    [Fact]
    public void LG0003_on_two_arguments_of_one_op()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class TwoArguments
            {
                Tensor Forward(Tensor x) => Ops.Concat(-1, {|LG0003:x.AsParameter()|}, x, {|LG0003:Helper.Twice(x)|});
            }

            static class Helper
            {
                public static Tensor Twice(Tensor t) => t * 2f;
            }
            """,
            "LayerGen cannot compile 'x.AsParameter()' in the forward definition of 'TwoArguments': 'AsParameter' is not an op LayerGen can compile (see docs/ops.md)",
            "LayerGen cannot compile 'Helper.Twice(x)' in the forward definition of 'TwoArguments': 'Twice' is not an op LayerGen can compile (see docs/ops.md)");
    }

    [Fact]
    public void LG0003_on_the_receiver_and_the_argument_of_a_method()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, 3]")]
            public partial class ReceiverAndArgument
            {
                [Parameter] Tensor w = Tensor.Randn(3, 3);

                Tensor Forward(Tensor x) => {|LG0003:x.AsParameter()|}.MatMul({|LG0003:Helper.Twice(w)|});
            }

            static class Helper
            {
                public static Tensor Twice(Tensor t) => t * 2f;
            }
            """,
            "LayerGen cannot compile 'x.AsParameter()' in the forward definition of 'ReceiverAndArgument': 'AsParameter' is not an op LayerGen can compile (see docs/ops.md)",
            "LayerGen cannot compile 'Helper.Twice(w)' in the forward definition of 'ReceiverAndArgument': 'Twice' is not an op LayerGen can compile (see docs/ops.md)");
    }

    [Fact]
    public void LG0003_on_two_arguments_of_a_child()
    {
        // The child does not compile either, so its Call is not generated (CS1061 from the compiler).
        DiagnosticAssert.ReportsDespiteCompilerErrors(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, 3]; [*, 3]")]
            public partial class Sum2
            {
                Tensor Forward(Tensor a, Tensor b) => a + {|LG0003:Helper.Twice(b)|};
            }

            [Layer(Input = "[*, 3]")]
            public partial class Parent
            {
                Sum2 sum = new();

                Tensor Forward(Tensor x) => sum.Call({|LG0003:x.AsParameter()|}, {|LG0003:Helper.Twice(x)|});
            }

            static class Helper
            {
                public static Tensor Twice(Tensor t) => t * 2f;
            }
            """,
            "LayerGen cannot compile 'Helper.Twice(b)' in the forward definition of 'Sum2': 'Twice' is not an op LayerGen can compile (see docs/ops.md)",
            "LayerGen cannot compile 'x.AsParameter()' in the forward definition of 'Parent': 'AsParameter' is not an op LayerGen can compile (see docs/ops.md)",
            "LayerGen cannot compile 'Helper.Twice(x)' in the forward definition of 'Parent': 'Twice' is not an op LayerGen can compile (see docs/ops.md)");
    }
}
