using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// Einsum equations are compiled, so their mistakes are compile-time errors: a malformed equation or one
/// that does not fit its operands is reported on the string literal (LG0005).
/// </summary>
public sealed class EinsumDiagnosticTests
{
    private static void Check(string equation, string marked, string message) =>
        DiagnosticAssert.Reports(
            $$"""
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Bilinear(int inputs, int outputs)
            {
                [Parameter] Tensor weight = Tensor.Randn(inputs, inputs, outputs);

                Tensor Forward(Tensor x) => Ops.Einsum({{marked}}, weight, x, x);
            }
            """,
            $"Shape mismatch in 'Ops.Einsum({equation}, weight, x, x)': {message}");

    [Fact]
    public void A_malformed_equation_is_reported_on_the_literal() =>
        Check("\"ijk,bi,bj\"", "{|LG0005:\"ijk,bi,bj\"|}", "'ijk,bi,bj' needs an explicit output, e.g. \"ij,jk->ik\"");

    [Fact]
    public void A_subscript_of_the_wrong_rank_is_reported_on_the_literal() =>
        Check("\"ij,bi,bj->bk\"", "{|LG0005:\"ij,bi,bj->bk\"|}", "operand 1 has shape [inputs, inputs, outputs] (rank 3) but its subscript 'ij' has 2 letters");

    [Fact]
    public void Too_few_operands_for_the_equation_is_reported_on_the_literal() =>
        Check("\"ijk,bi,bj,bl->bk\"", "{|LG0005:\"ijk,bi,bj,bl->bk\"|}", "'ijk,bi,bj,bl->bk' has 4 operand subscript(s) but 3 operand(s) were given (at most 4)");
}
