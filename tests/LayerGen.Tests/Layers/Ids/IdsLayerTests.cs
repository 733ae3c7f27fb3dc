using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.Ids;

/// <summary>
/// Embeddings written as a user writes them (<c>weight[indices]</c>, <c>Ops.Embedding</c>, <c>IndexSelect</c>), run on
/// their generated kernels — the constant-size one and the run-time-bounded one, <c>KernelName</c> asserted — against
/// PyTorch (Fixtures/ids_*.json, tools/fixtures/ids_layers.py: output and the scatter-added weight gradient, with
/// repeated and negative ids), finite differences of the generated forward, and the eager path; and the errors: a float
/// tensor where ids go, and out-of-range ids on the generated path, named with their position and the bound.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class IdsLayerTests
{
    private static int RunTime(int size) => size;

    public static TheoryData<string, string> Fixtures() => new()
    {
        { "ids_token_embedding", "TokenEmbedding[vocab=10, dim=4]" },
        { "ids_token_embedding_runtime", "TokenEmbedding[run-time sizes]" },
        { "ids_ops_embedding", "OpsEmbedding[vocab=10, dim=4]" },
        { "ids_ops_embedding_runtime", "OpsEmbedding[run-time sizes]" },
    };

    /// <summary>The layer of a fixture: constant constructions (each has its own kernel) or run-time sizes.</summary>
    private static IModule Make(string fixture) => fixture switch
    {
        "ids_token_embedding" => new TokenEmbedding(10, 4),
        "ids_token_embedding_runtime" => new TokenEmbedding(RunTime(9), RunTime(6)),
        "ids_ops_embedding" => new OpsEmbedding(10, 4),
        "ids_ops_embedding_runtime" => new OpsEmbedding(RunTime(7), RunTime(3)),
        _ => throw new ArgumentOutOfRangeException(nameof(fixture)),
    };

    private static Tensor Call(IModule layer, Tensor ids) => layer switch
    {
        TokenEmbedding e => e.Call(ids),
        OpsEmbedding e => e.Call(ids),
        _ => throw new ArgumentOutOfRangeException(nameof(layer)),
    };

    private static Tensor CallEager(IModule layer, Tensor ids) => layer switch
    {
        TokenEmbedding e => e.CallEager(ids),
        OpsEmbedding e => e.CallEager(ids),
        _ => throw new ArgumentOutOfRangeException(nameof(layer)),
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_generated_kernels_match_torch_with_repeated_ids(string name, string kernel)
    {
        Fixture fixture = Fixture.Load(name);
        IModule layer = Make(name);
        Assert.Equal(kernel, ((dynamic)layer).KernelName);
        fixture.Parameters["weight"].Data.CopyTo(layer.GetParameter("weight").Data.AsSpan());
        Tensor ids = fixture.LayerIds("ids");

        layer.ZeroGrad();
        Tensor y = Call(layer, ids);
        TensorAssert.Close(fixture.Output, y.Data, y.Shape, name + " output");
        y.Backward(fixture.Dy.ToTensor());
        Tensor grad = layer.GetParameter("weight").Grad!;
        TensorAssert.Close(fixture.Grads["weight"], grad.Data, grad.Shape, name + " weight gradient");

        // The eager path (the forward as written) gives the same.
        layer.ZeroGrad();
        Tensor eager = CallEager(layer, ids);
        eager.Backward(fixture.Dy.ToTensor());
        TensorAssert.Close(fixture.Output, eager.Data, eager.Shape, name + " eager output");
        TensorAssert.Close(fixture.Grads["weight"], layer.GetParameter("weight").Grad!.Data, grad.Shape, name + " eager weight gradient");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_weight_gradient_matches_finite_differences_of_the_generated_forward(string name, string kernel)
    {
        Tensor.ManualSeed(41);
        IModule layer = Make(name);
        Assert.Equal(kernel, ((dynamic)layer).KernelName);
        Tensor ids = Fixture.Load(name).LayerIds("ids");
        IdsFiniteDifferences.Check(layer, () => Call(layer, ids));
    }

    [Fact]
    public void IndexSelect_rows_agree_with_the_eager_path_and_finite_differences()
    {
        Tensor.ManualSeed(42);
        var layer = new SelectedRows(6, 5);
        Assert.Equal("SelectedRows[vocab=6, dim=5]", layer.KernelName);
        Tensor ids = Tensor.FromIds(5, 0, 5, 2);
        Tensor y = layer.Call(ids);
        Assert.Equal([4, 5], y.Shape.ToArray());
        Same(layer.CallEager(ids).Data, y.Data, "IndexSelect output");
        IdsFiniteDifferences.Check(layer, () => layer.Call(ids));
    }

    [Fact]
    public void Ids_of_several_leading_dimensions_give_rows_of_the_same_shape()
    {
        var layer = new TokenEmbedding(10, 4);
        Tensor ids = Tensor.FromIds([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2], 2, 3, 2);
        Tensor y = layer.Call(ids);
        Assert.Equal([2, 3, 2, 4], y.Shape.ToArray());
        Same(layer.CallEager(ids).Data, y.Data, "rows");
    }

    [Fact]
    public void A_float_tensor_where_ids_go_is_a_clear_error()
    {
        var layer = new TokenEmbedding(10, 4);
        var e = Assert.Throws<ArgumentException>(() => layer.Call(Tensor.From(1f, 2f)));
        Assert.Equal("indices", e.ParamName);
        Assert.StartsWith("TokenEmbedding: 'indices' holds ids (Forward uses it as indices), so it must be an int64 tensor, but this one has dtype float32", e.Message);
        Assert.Contains("ToLong()", e.Message);
    }

    [Fact]
    public void An_id_past_the_vocabulary_is_an_error_naming_it_its_position_and_the_bound_never_a_zero_row()
    {
        var layer = new OpsEmbedding(10, 4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Call(Tensor.FromIds([1, 2, 3, 12], 2, 2)));
        Assert.StartsWith("Embedding: index 12 at position 3 is out of range for a dimension of size 10: indices must be in [0, 10).", e.Message);

        // F.embedding refuses negative ids; weight[ids] lets -1 be the last row but refuses -12 of 11.
        e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Call(Tensor.FromIds(0, -1)));
        Assert.StartsWith("Embedding: index -1 at position 1 is out of range for a dimension of size 10: indices must be in [0, 10).", e.Message);
        var indexing = new TokenEmbedding(RunTime(11), RunTime(4));
        Assert.Equal("TokenEmbedding[run-time sizes]", indexing.KernelName);
        Same(indexing.Weight.Data.AsSpan(40, 4).ToArray(), indexing.Call(Tensor.FromIds(-1)).Data, "row -1 is the last row");
        e = Assert.Throws<ArgumentOutOfRangeException>(() => indexing.Call(Tensor.FromIds(3, -12)));
        Assert.StartsWith("index: index -12 at position 1 is out of range for a dimension of size 11: indices must be in [-11, 11).", e.Message);
    }

    [Fact]
    public void The_span_API_takes_ids_as_longs_and_checks_them_too()
    {
        var layer = new TokenEmbedding(10, 4);
        var output = new float[3 * 4];
        var saved = new float[layer.SavedLength(3)];
        layer.ForwardSpan(3, new long[] { 2, 9, 2 }, output, saved);
        Same(layer.Weight.Data.AsSpan(8, 4).ToArray(), output.AsSpan(0, 4).ToArray(), "row 2");
        Same(layer.Weight.Data.AsSpan(36, 4).ToArray(), output.AsSpan(4, 4).ToArray(), "row 9");

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.ForwardSpan(3, new long[] { 2, 10, 2 }, output, saved));
        Assert.StartsWith("index: index 10 at position 1 is out of range", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.BackwardSpan(3, new long[] { 2, 2, 10 }, output, new float[12], saved));
        Assert.StartsWith("index: index 10 at position 2 is out of range", e.Message);
    }

    [Fact]
    public void A_warm_forward_and_backward_over_spans_allocate_nothing()
    {
        var constant = new TokenEmbedding(10, 4);
        var runTime = new OpsEmbedding(RunTime(9), RunTime(5));
        Assert.Equal("OpsEmbedding[run-time sizes]", runTime.KernelName);
        long[] ids = [1, 3, 3, 0, 7, 8];
        var output = new float[ids.Length * 5];
        var outputGrad = Enumerable.Range(0, output.Length).Select(i => (float)i).ToArray();
        var saved = new float[Math.Max(constant.SavedLength(ids.Length), runTime.SavedLength(ids.Length))];

        void Step()
        {
            constant.ForwardSpan(ids.Length, ids, output.AsSpan(0, ids.Length * 4), saved);
            constant.BackwardSpan(ids.Length, ids, output.AsSpan(0, ids.Length * 4), outputGrad.AsSpan(0, ids.Length * 4), saved);
            runTime.ForwardSpan(ids.Length, ids, output, saved);
            runTime.BackwardSpan(ids.Length, ids, output, outputGrad, saved);
        }

        Assert.Equal(0, Allocations.AfterWarmUp(Step, calls: 1000));
        Assert.NotNull(constant.Weight.Grad);
    }

    /// <summary>Element by element within the default tolerances (a gathered row is a copy: equal in fact).</summary>
    private static void Same(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(TensorAssert.IsClose(expected[i], actual[i]), $"{what} [{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }
}
