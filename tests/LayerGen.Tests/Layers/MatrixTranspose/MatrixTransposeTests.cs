using System;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.Expand;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.MatrixTranspose;

/// <summary>D2L's DotProductAttention written with <c>k.mT</c> (PyTorch's <c>Tensor.mT</c>) instead of <c>Transpose(-1, -2)</c>.</summary>
[Layer(Input = "[*, queries, d]; [*, keyValues, d]; [*, keyValues, v]")]
public partial class ScaledDotProductMT(int queries, int keyValues, int d, int v)
{
    Tensor Forward(Tensor q, Tensor k, Tensor values) => Ops.Softmax(q.MatMul(k.mT) / MathF.Sqrt(d), -1).MatMul(values);
}

/// <summary><c>.mT</c> outside a product: a copy with the last two axes swapped.</summary>
[Layer(Input = "[*, steps, d]")]
public partial class SwappedLastAxes(int steps, int d)
{
    [Parameter] Tensor scale = Tensor.Randn(d, steps);

    Tensor Forward(Tensor x) => Ops.Tanh(x.mT * scale);
}

/// <summary>
/// <c>x.mT</c> in a forward (issue 16) is the node of <c>x.Transpose(-1, -2)</c>: the attention layer written with it
/// matches the PyTorch fixture of the one written with Transpose (Fixtures/batched_scaled_dot_product*.json, from
/// <c>torch.bmm(q, k.transpose(1, 2))</c>) on both kernel kinds; outside a product it matches finite differences and the
/// eager path; the eager property is PyTorch's.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class MatrixTransposeTests
{
    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    private static T FromVariable<T>(T value) => value;

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Attention_scores_with_k_mT_match_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new ScaledDotProductMT(3, 4, 5, 2) : new ScaledDotProductMT(FromVariable(2), 3, 4, 3);
        Assert.Equal(kernel == "specialised" ? "ScaledDotProductMT[queries=3, keyValues=4, d=5, v=2]" : "ScaledDotProductMT[run-time sizes]", layer.KernelName);
        var fixture = Fixture.Load(kernel == "specialised" ? "batched_scaled_dot_product" : "batched_scaled_dot_product_runtime");
        FixtureLayerCheck.Check(layer, fixture, i => layer.Call(i[0], i[1], i[2]), "q", "k", "values");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_generated_backward_matches_finite_differences_and_the_eager_path(string kernel)
    {
        Tensor.ManualSeed(17);
        var layer = kernel == "specialised" ? new SwappedLastAxes(3, 4) : new SwappedLastAxes(FromVariable(2), 5);
        FixtureLayerCheck.FiniteDifferencesAndEager(layer, i => layer.Call(i[0]), i => layer.CallEager(i[0]), kernel == "specialised" ? [2, 3, 4] : [3, 2, 5]);

        var attention = kernel == "specialised" ? new ScaledDotProductMT(3, 4, 5, 2) : new ScaledDotProductMT(FromVariable(2), 3, 4, 3);
        int[][] shapes = kernel == "specialised" ? [[2, 3, 5], [2, 4, 5], [2, 4, 2]] : [[3, 2, 4], [3, 3, 4], [3, 3, 3]];
        FixtureLayerCheck.FiniteDifferencesAndEager(attention, i => attention.Call(i[0], i[1], i[2]), i => attention.CallEager(i[0], i[1], i[2]), shapes);
    }

    [Fact]
    public void The_eager_mT_swaps_the_last_two_axes_and_needs_two()
    {
        var x = Tensor.From([1f, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 2, 2, 3);
        var y = x.mT;
        Assert.Equal([2, 3, 2], y.Shape.ToArray());
        Assert.Equal(x.Transpose(-1, -2).Data, y.Data);
        Assert.Equal([1f, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12], y.Data);
        var vector = Assert.Throws<ArgumentException>(() => Tensor.Randn(3).mT);
        Assert.Contains("only supported on matrices or batches of matrices. Got 1-D tensor", vector.Message);
    }
}
