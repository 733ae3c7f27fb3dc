using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// An op written with fewer tensor arguments than it takes — what a forward looks like halfway
/// through typing a call — is LG0003 on that call, never an internal error (LG0999). Found by
/// <see cref="RobustnessTests"/>; the compiler reports CS7036 or CS1501 beside it.
/// </summary>
public sealed class TooFewArgumentsDiagnosticTests
{
    [Theory]
    [InlineData("Ops.Relu()", "'Relu' needs 1 tensor argument(s) but has 0")]
    [InlineData("Ops.Sqrt()", "'Sqrt' needs 1 tensor argument(s) but has 0")]
    [InlineData("Ops.Concat()", "'Concat' needs 1 tensor argument(s) but has 0")]
    [InlineData("Ops.Maximum(x)", "'Maximum' needs 2 tensor argument(s) but has 1")]
    [InlineData("Ops.Where(x)", "'Where' needs 3 tensor argument(s) but has 1")]
    public void An_op_with_too_few_tensor_arguments_is_LG0003_on_the_call(string call, string reason)
    {
        DiagnosticAssert.ReportsDespiteCompilerErrors(
            $$"""
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Unfinished
            {
                Tensor Forward(Tensor x) => {|LG0003:{{call}}|};
            }
            """,
            $"LayerGen cannot compile '{call}' in the forward definition of 'Unfinished': {reason}");
    }

    [Fact]
    public void A_MatMul_without_its_right_operand_is_LG0003_on_the_call()
    {
        DiagnosticAssert.ReportsDespiteCompilerErrors(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Unfinished
            {
                Tensor Forward(Tensor x) => {|LG0003:x.MatMul()|};
            }
            """,
            "LayerGen cannot compile 'x.MatMul()' in the forward definition of 'Unfinished': 'MatMul' needs 2 tensor argument(s) but has 1");
    }
}
