using System.Linq;
using System.Text.RegularExpressions;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Einsums of three or more operands become pairwise contractions (Ir/EinsumPairing), and a two-operand
/// einsum that is one matrix product over merged axes calls the runtime GEMM (Ir/EinsumMatrixForm). The
/// values are checked at run time (tests/LayerGen.Tests EinsumGradientTests); these pin the plan.
/// </summary>
public sealed class EinsumContractionTests
{
    private static string Generate(string parameters, string forward)
    {
        GeneratorRun run = DemoLayer.Run("int n, int m", parameters, forward);
        Assert.Empty(run.RunResult.Diagnostics);
        return DemoLayer.Source(run);
    }

    // The equations of the einsum steps, from the kernels' comments: "// einsum1 = einsum("ijk,bi->bjk", ...".
    private static string[] Steps(string source) =>
        Regex.Matches(source, @"// \w+ \+?= einsum\(""([a-z,>-]+)""").Select(m => m.Groups[1].Value).Distinct().ToArray();

    [Fact]
    public void The_tensor_reduction_contracts_x_with_the_weight_first_then_with_x_again()
    {
        string source = Generate("[Parameter] Tensor w = Tensor.Randn(n, n, m);", "Ops.Einsum(\"ijk,bi,bj->bk\", w, x, x)");
        var steps = Steps(source);

        Assert.Contains("ijk,bi->bjk", steps);
        Assert.Contains("bj,bjk->bk", steps);
        Assert.DoesNotContain("ijk,bi,bj->bk", steps);

        // x·W over the merged j·k axis, dW = xᵀ·dT and dX = dT·Wᵀ are matrix products; the batched steps are not.
        // (The size n is spelt n_n in the kernels, away from their loop variables.)
        Assert.Contains("Gemm.MatMul(rows, (n_n * m), n_n, input, false, w, false,", source);
        Assert.Contains("Gemm.MatMul(n_n, (n_n * m), rows, input, true,", source);
        Assert.Matches(@"Gemm\.MatMul\(rows, n_n, \(n_n \* m\), \w+, false, w, true,", source);
    }

    [Fact]
    public void A_chain_of_products_is_contracted_left_to_right_when_the_estimates_tie()
    {
        string source = Generate("[Parameter] Tensor a = Tensor.Randn(n, m);\n    [Parameter] Tensor b = Tensor.Randn(m, n);", "Ops.Einsum(\"bi,ij,jk->bk\", x, a, b)");
        Assert.Equal("bi,ij->bj", Steps(source)[0]);
        Assert.Contains("bj,jk->bk", Steps(source).Select(s => s.Replace("jk,bj", "bj,jk")));
    }

    [Theory]
    [InlineData("bi,bj->bij")] // a letter in both operands and the output: a batch of outer products
    [InlineData("bi,bi->b")] // a batch of dot products
    public void Batched_products_stay_loops(string equation)
    {
        string source = Generate(string.Empty, $"Ops.Einsum(\"{equation}\", x, x)");
        Assert.Contains($"einsum(\"{equation}\"", source);
        Assert.DoesNotContain("Gemm.MatMul", source.Split("// Forward:")[1].Split("public static void Backward")[0]);
    }

    [Fact]
    public void A_letter_summed_within_one_operand_is_not_a_matrix_product()
    {
        // "ij,bk->bj": i is summed over the weight alone, so no single matrix product computes it.
        string source = Generate("[Parameter] Tensor w = Tensor.Randn(m, n);", "Ops.Einsum(\"ij,bk->bj\", w, x)");
        Assert.DoesNotContain("Gemm.MatMul", source);
    }
}
