using System;
using CsCheck;
using LayerGen.Tests.Layers.Einsum;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Einsums through their generated kernels in every loop form (see <c>EinsumLayers.cs</c>): the forward
/// against the eager reference, the backward against finite differences, on a specialised kernel and over
/// random run-time sizes — below, at and past the vector width, so vector loops, unrolled steps and
/// scalar tails all run.
/// </summary>
public class EinsumGradientTests
{
    public EinsumGradientTests() => Tensor.ManualSeed(20261128);

    private static void Check<TLayer>(TLayer layer, Func<TLayer, Tensor, Tensor> eager, int[] inputShape, string expectedKernel)
        where TLayer : ILayer
    {
        Assert.Equal(expectedKernel, layer.KernelName);
        var x = Tensor.Randn(inputShape);
        Tensor generated = layer.Call(x), reference = eager(layer, x);
        Assert.Equal(reference.Shape, generated.Shape);
        for (int i = 0; i < reference.Count; i++)
        {
            float expected = reference.Data[i];
            Assert.True(Math.Abs(generated.Data[i] - expected) <= 1e-5 + 1e-5 * Math.Abs(expected), $"{expectedKernel} output[{i}]: {generated.Data[i]} but eager gives {expected}");
        }

        FiniteDifferences.Check(layer, x);
    }

    // Random sizes: rows 1–5, n 1–21, m 1–19, p 1–6. Each specialised construction above has a size outside
    // these ranges, or a random draw could equal it and run the specialised kernel instead.
    private static void ForRandomSizes(Action<int, int, int, int> check) =>
        Gen.Select(Gen.Int[1, 5], Gen.Int[1, 21], Gen.Int[1, 19], Gen.Int[1, 6]).Sample((rows, n, m, p) => check(rows, n, m, p), iter: 8, seed: "0N0XIzNsQ0O3");

    [Fact]
    public void Product_vectorises_the_output_and_a_summed_letter()
    {
        Check(new EinsumProduct(22, 19), (l, x) => l.CallEager(x), [5, 22], "EinsumProduct[n=22, m=19]");
        ForRandomSizes((rows, n, m, _) => Check(new EinsumProduct(n, m), (l, x) => l.CallEager(x), [rows, n], "EinsumProduct[run-time sizes]"));
    }

    [Fact]
    public void Scalar_accumulators_where_nothing_is_contiguous()
    {
        Check(new EinsumScalarForm(9, 5, 7), (l, x) => l.CallEager(x), [4, 9], "EinsumScalarForm[n=9, m=5, p=7]");
        ForRandomSizes((rows, n, m, p) => Check(new EinsumScalarForm(n, m, p), (l, x) => l.CallEager(x), [rows, n], "EinsumScalarForm[run-time sizes]"));
    }

    [Fact]
    public void Outer_product_without_a_summed_letter()
    {
        Check(new EinsumOuter(22, 17), (l, x) => l.CallEager(x), [3, 22], "EinsumOuter[n=22, m=17]");
        ForRandomSizes((rows, n, m, _) => Check(new EinsumOuter(n, m), (l, x) => l.CallEager(x), [rows, n], "EinsumOuter[run-time sizes]"));
    }

    [Fact]
    public void Matrix_product_forms_through_the_gemm_and_the_loops()
    {
        // 5 × 19 × 22 = 2,090 multiply-adds: the GEMM; the random sizes are mostly below 512: the loops.
        Check(new EinsumTransposedWeight(22, 19), (l, x) => l.CallEager(x), [5, 22], "EinsumTransposedWeight[n=22, m=19]");
        ForRandomSizes((rows, n, m, _) => Check(new EinsumTransposedWeight(n, m), (l, x) => l.CallEager(x), [rows, n], "EinsumTransposedWeight[run-time sizes]"));
    }

    [Fact]
    public void Three_operands_are_contracted_pairwise()
    {
        Check(new EinsumChain(13, 19, 7), (l, x) => l.CallEager(x), [5, 13], "EinsumChain[n=13, m=19, p=7]");
        ForRandomSizes((rows, n, m, p) => Check(new EinsumChain(n, m, p), (l, x) => l.CallEager(x), [rows, n], "EinsumChain[run-time sizes]"));
    }

    [Fact]
    public void Four_operands_with_a_repeated_input_are_contracted_pairwise()
    {
        Check(new EinsumFourOperands(23, 6), (l, x) => l.CallEager(x), [7, 23], "EinsumFourOperands[n=23, m=6]");
        ForRandomSizes((rows, n, m, _) => Check(new EinsumFourOperands(n, m), (l, x) => l.CallEager(x), [rows, n], "EinsumFourOperands[run-time sizes]"));
    }
}
