using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// Batched products whose shapes do not multiply, found at compile time (LG0005 on the product, naming both shapes):
/// inner dimensions that differ, batch axes that do not broadcast, and <c>.T</c> on more than a matrix.
/// </summary>
public sealed class BatchedMatMulDiagnosticTests
{
    [Fact]
    public void LG0005_attention_whose_queries_and_keys_differ_in_width()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, steps, d]; [*, steps, e]")]
            public partial class Scores(int steps, int d, int e)
            {
                Tensor Forward(Tensor q, Tensor k) => {|LG0005:q.MatMul(k.Transpose(-1, -2))|};
            }
            """,
            "Shape mismatch in 'q.MatMul(k.Transpose(-1, -2))': inner dimensions differ: [*, steps, d] × the transpose of [*, steps, e] (d vs e)");
    }

    [Fact]
    public void LG0005_batch_axes_that_do_not_broadcast()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, 3, 4, 5]")]
            public partial class PerHead
            {
                [Parameter] Tensor weight = Tensor.Randn(2, 5, 6);

                Tensor Forward(Tensor x) => {|LG0005:x.MatMul(weight)|};
            }
            """,
            "Shape mismatch in 'x.MatMul(weight)': the batch axes of [*, 3, 4, 5] × [2, 5, 6] do not broadcast: 3 against 2");
    }

    [Fact]
    public void LG0005_the_batch_against_a_stack_of_matrices()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, 4, 5]")]
            public partial class Stacked
            {
                [Parameter] Tensor weight = Tensor.Randn(2, 5, 6);

                Tensor Forward(Tensor x) => {|LG0005:x.MatMul(weight)|};
            }
            """,
            "Shape mismatch in 'x.MatMul(weight)': the batch axes of [*, 4, 5] × [2, 5, 6] do not broadcast: * against 2");
    }

    [Fact]
    public void LG0005_T_on_a_rank_three_operand()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, 4, 5]; [*, 4, 5]")]
            public partial class Scores
            {
                Tensor Forward(Tensor q, Tensor k) => {|LG0005:q.MatMul(k.T)|};
            }
            """,
            "Shape mismatch in 'q.MatMul(k.T)': .T transposes a matrix, but [*, 4, 5] has rank 3: swap its last two axes with Transpose(-1, -2)");
    }

    [Fact]
    public void LG0005_attention_scores_on_undeclared_inputs_say_to_declare_them()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Scores
            {
                Tensor Forward(Tensor q, Tensor k) => {|LG0005:q.MatMul(k.Transpose(-1, -2))|};
            }
            """,
            "Shape mismatch in 'q.MatMul(k.Transpose(-1, -2))': MatMul needs matrices or vectors, but got [*] and the transpose of [*]; "
            + "for a batched product such as attention scores on [*, steps, d], declare the inputs' shapes, e.g. [Layer(Input = \"[*, queries, d]; [*, keyValues, d]\")]");
    }

    [Fact]
    public void A_parameter_declared_twice_keeps_its_first_shape_and_no_internal_error()
    {
        // Found by the robustness test: a second 'weight' of rank 3 made the graph read one shape and the gradient buffer another.
        var run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, heads, steps, d]; [*, heads, steps, d]")]
            public partial class HeadScores(int heads, int steps, int d, int e)
            {
                [Parameter] Tensor weight = Tensor.Randn(d, e);
                [Parameter] Tensor weight = Tensor.Randn(heads, d, e);

                Tensor Forward(Tensor q, Tensor k) => q.MatMul(k.Transpose(-1, -2)).MatMul(q).MatMul(weight);
            }
            """);
        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "LG0999");
    }
}
