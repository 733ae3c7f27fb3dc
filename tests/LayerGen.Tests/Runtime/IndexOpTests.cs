using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// The eager index ops against PyTorch 1.13 (Fixtures/index_*.json: forward and the gradient of the indexed
/// tensor, every fixture repeating an index so the scatter-add must accumulate), and every error: ids that
/// are not int64, shapes, and out-of-range indices, which name the index, its position and the bound.
/// </summary>
public sealed class IndexOpTests
{
    // Fixture -> (the differentiable tensor's name, the op on it and the fixture's ids, its grad_fn name).
    private static readonly Dictionary<string, (string Source, Func<Tensor, Tensor, Tensor> Op, string GradFn)> OpsByFixture = new()
    {
        ["index_embedding"] = ("weight", (weight, ids) => Ops.Embedding(ids, weight), "EmbeddingBackward0"),
        ["index_advanced"] = ("weight", (weight, ids) => weight[ids], "IndexBackward0"),
        ["index_select_dim1"] = ("x", (x, ids) => x.IndexSelect(1, ids), "IndexSelectBackward0"),
        ["index_select_dim1 via Ops"] = ("x", (x, ids) => Ops.IndexSelect(x, -2, ids), "IndexSelectBackward0"),
        ["index_gather_last"] = ("x", (x, index) => x.Gather(1, index), "GatherBackward0"),
        ["index_gather_last via Ops"] = ("x", (x, index) => Ops.Gather(x, -1, index), "GatherBackward0"),
        ["index_gather_smaller"] = ("x", (x, index) => x.Gather(0, index), "GatherBackward0"),
    };

    public static TheoryData<string> Names() => new(OpsByFixture.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_and_the_scatter_added_gradient_match_torch(string name)
    {
        Fixture fixture = Fixture.Load(name.Split(' ')[0]);
        (string sourceName, Func<Tensor, Tensor, Tensor> op, string gradFn) = OpsByFixture[name];
        FixtureTensor values = fixture.Inputs.TryGetValue(sourceName, out FixtureTensor? input) ? input : fixture.Parameters[sourceName];
        Tensor source = values.ToTensor();
        source.RequiresGrad = true;
        Tensor ids = fixture.LayerIds("ids");

        Tensor y = op(source, ids);
        TensorAssert.Close(fixture.Output, y.Data, y.Shape, name + " output");
        Assert.Equal(gradFn, y.GradFn!.Name);

        y.Backward(fixture.Dy.ToTensor());
        TensorAssert.Close(fixture.Grads[sourceName], source.Grad!.Data, source.Grad.Shape, name + " grad " + sourceName);
    }

    [Fact]
    public void Shapes_follow_torch()
    {
        Tensor weight = Tensor.Randn(10, 4);
        Assert.Equal([2, 3, 4], Ops.Embedding(Tensor.FromIds([1, 2, 3, 4, 5, 6], 2, 3), weight).Shape.ToArray());
        Assert.Equal([4], Ops.Embedding(Tensor.FromIds([3], []), weight).Shape.ToArray()); // a 0-d id gives one row
        Assert.Equal([2, 3, 4], weight[Tensor.FromIds([1, 2, 3, 4, 5, 6], 2, 3)].Shape.ToArray());
        Assert.Equal([0, 4], weight[Tensor.FromIds()].Shape.ToArray());
        Assert.Equal([10, 2], weight.IndexSelect(1, Tensor.FromIds(3, 0)).Shape.ToArray());
        Assert.Equal([10, 1], weight.Gather(1, Tensor.Zeros(DType.Int64, 10, 1)).Shape.ToArray());
    }

    [Fact]
    public void No_gradient_is_recorded_when_the_source_needs_none()
    {
        Tensor y = Tensor.Randn(5, 2)[Tensor.FromIds(1, 1)];
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
    }

    [Fact]
    public void Advanced_indexing_wraps_negative_indices_as_torch()
    {
        Tensor weight = Tensor.Arange(10).Reshape(5, 2);
        Assert.Equal([8f, 9, 0, 1], weight[Tensor.FromIds(-1, -5)].Data);
    }

    public static TheoryData<string, long, int, string> OutOfRange => new()
    {
        // op, bad index (placed at position 2 of the ids), bound, the range the message states
        { "index", 5, 5, "[-5, 5)" },
        { "index", -6, 5, "[-5, 5)" },
        { "Embedding", 5, 5, "[0, 5)" },
        { "Embedding", -1, 5, "[0, 5)" },            // F.embedding refuses negative ids
        { "IndexSelect", -1, 5, "[0, 5)" },          // so does index_select
        { "IndexSelect", long.MaxValue, 5, "[0, 5)" },
        { "Gather", 3, 3, "[0, 3)" },
        { "Gather", -1, 3, "[0, 3)" },               // and gather
        { "Gather smaller", 5, 5, "[0, 5)" },        // the path for an index smaller than the input
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void An_out_of_range_index_names_itself_its_position_and_the_bound(string op, long bad, int bound, string range)
    {
        Tensor weight = Tensor.Randn(5, 3);
        Func<Tensor> call = op switch
        {
            "index" => () => weight[Tensor.FromIds(0, 4, bad, 1)],
            "Embedding" => () => Ops.Embedding(Tensor.FromIds(0, 4, bad, 1), weight),
            "IndexSelect" => () => weight.IndexSelect(0, Tensor.FromIds(0, 4, bad, 1)),
            "Gather" => () => weight.Gather(1, Tensor.FromIds([0, 1, bad], 1, 3)),
            _ => () => weight.Gather(0, Tensor.FromIds([0, 4, bad, 1], 2, 2)),
        };

        var e = Assert.Throws<ArgumentOutOfRangeException>(call);

        string owner = op.Split(' ')[0];
        Assert.Equal("indices", e.ParamName);
        Assert.Equal(bad, e.ActualValue);
        Assert.Contains($"{owner}: index {bad} at position 2 is out of range for a dimension of size {bound}: indices must be in {range}.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_backward_checks_the_ids_it_scatters_by()
    {
        // The ids are read again by the backward; changed in between to a bad one, it is an error, not a stray write.
        Tensor weight = Tensor.Randn(4, 2);
        weight.RequiresGrad = true;
        Tensor ids = Tensor.FromIds(1, 2);
        Tensor y = Ops.Embedding(ids, weight);
        ids.LongData[1] = 9;

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => y.Sum().Backward());
        Assert.Contains("Embedding: index 9 at position 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float_indices_are_refused_naming_the_dtype()
    {
        Tensor weight = Tensor.Randn(5, 3);
        Tensor floats = Tensor.From(0f, 1);
        foreach ((string owner, Func<Tensor> call) in new (string, Func<Tensor>)[]
        {
            ("index", () => weight[floats]),
            ("Embedding", () => Ops.Embedding(floats, weight)),
            ("IndexSelect", () => weight.IndexSelect(0, floats)),
            ("Gather", () => weight.Gather(0, Tensor.From(new float[] { 0, 1 }, 1, 2))),
        })
        {
            var e = Assert.Throws<ArgumentException>(call);
            Assert.Contains($"{owner}: indices must be an int64 tensor (ids), but this one has dtype float32", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Shape_errors_say_what_fits()
    {
        Tensor weight = Tensor.Randn(5, 3);
        var embedding = Assert.Throws<ArgumentException>(() => Ops.Embedding(Tensor.FromIds(1), Tensor.Randn(5)));
        Assert.Contains("Embedding: 'weight' must be 2-D [num_embeddings, embedding_dim], but has shape [5]", embedding.Message, StringComparison.Ordinal);

        var select = Assert.Throws<ArgumentException>(() => weight.IndexSelect(0, Tensor.FromIds([1, 2], 1, 2)));
        Assert.Contains("IndexSelect: the ids must be a vector (1-D), but have shape [1, 2]", select.Message, StringComparison.Ordinal);

        var rank = Assert.Throws<ArgumentException>(() => weight.Gather(0, Tensor.FromIds(1)));
        Assert.Contains("Gather: the index must have the same number of dimensions as the input (2), but has shape [1]", rank.Message, StringComparison.Ordinal);

        var larger = Assert.Throws<ArgumentException>(() => weight.Gather(0, Tensor.Zeros(DType.Int64, 2, 4)));
        Assert.Contains("Gather: size does not match at dimension 1", larger.Message, StringComparison.Ordinal);

        var scalar = Assert.Throws<ArgumentException>(() => Tensor.Scalar(1f)[Tensor.FromIds(0)]);
        Assert.Contains("index: a 0-d tensor has no dimension to index", scalar.Message, StringComparison.Ordinal);
    }
}
