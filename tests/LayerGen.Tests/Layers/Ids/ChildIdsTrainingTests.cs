using System;
using System.Linq;
using System.Text.Json;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.Ids;

/// <summary>
/// A parent layer passing its ids to an embedding child (<c>embedding.Call(indices).Mean(1).MatMul(weight) + bias</c>,
/// D2L's bag of embeddings), trained three steps with <c>Sgd</c> on <c>CrossEntropyLoss</c> with int64 labels, against
/// PyTorch (Fixtures/ids_bag_training.json: each step's loss, every gradient — the child's scatter-added embedding
/// gradient included — and the parameters after the step); and the run-time-bounded kernels against the eager path.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class ChildIdsTrainingTests
{
    private static int RunTime(int size) => size;

    [Fact]
    public void Three_SGD_steps_on_cross_entropy_with_int64_labels_match_torch()
    {
        using JsonDocument document = FixtureJson.Open(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "ids_bag_training.json"));
        JsonElement root = document.RootElement;
        var model = new BagOfEmbeddings(8, 4, 3, 5);
        Assert.Equal("BagOfEmbeddings[vocab=8, dim=4, steps=3, classes=5]", model.KernelName);
        Assert.Equal(["weight", "bias", "embedding.weight"], model.NamedParameters().Select(p => p.Key));
        foreach (var (name, tensor) in FixtureJson.TensorMap(root, "initial", "ids_bag_training"))
        {
            tensor.Data.CopyTo(model.GetParameter(name).Data.AsSpan());
        }

        Tensor ids = IdsOf(root.GetProperty("ids"));
        Tensor labels = IdsOf(root.GetProperty("labels"));
        var loss = new CrossEntropyLoss();
        var sgd = new Sgd(model.Parameters(), root.GetProperty("lr").GetDouble());
        int step = 0;
        foreach (JsonElement expected in root.GetProperty("steps").EnumerateArray())
        {
            string at = $"step {++step}";
            sgd.ZeroGrad();
            Tensor value = loss.Call(model.Call(ids), labels);
            Assert.True(TensorAssert.IsClose(expected.GetProperty("loss").GetDouble(), value.Item()), $"{at}: loss {value.Item()}, torch {expected.GetProperty("loss").GetDouble()}");
            value.Backward();
            foreach (var (name, grad) in FixtureJson.TensorMap(expected, "grads", at))
            {
                TensorAssert.Close(grad, model.GetParameter(name).Grad!.Data, grad.Shape, $"{at}: gradient of {name}");
            }

            sgd.Step();
            foreach (var (name, parameter) in FixtureJson.TensorMap(expected, "parameters", at))
            {
                TensorAssert.Close(parameter, model.GetParameter(name).Data, parameter.Shape, $"{at}: {name} after the step");
            }
        }
    }

    [Fact]
    public void The_run_time_bounded_kernels_of_parent_and_child_agree_with_the_eager_path()
    {
        Tensor.ManualSeed(43);
        var model = new BagOfEmbeddings(RunTime(9), RunTime(3), RunTime(2), RunTime(4));
        Assert.Equal("BagOfEmbeddings[run-time sizes]", model.KernelName);
        Tensor ids = Tensor.FromIds([8, 0, 0, 8, 4, 4, 1, 2, 0, 0], 5, 2);
        Tensor dy = Tensor.Randn(5, 4);

        float[][] Run(Func<Tensor> call)
        {
            model.ZeroGrad();
            Tensor y = call();
            y.Backward(dy);
            return new[] { y.ToArray() }.Concat(model.Parameters().Select(p => p.Grad!.ToArray())).ToArray();
        }

        float[][] generated = Run(() => model.Call(ids)), eager = Run(() => model.CallEager(ids));
        for (int t = 0; t < eager.Length; t++)
        {
            for (int i = 0; i < eager[t].Length; i++)
            {
                Assert.True(TensorAssert.IsClose(eager[t][i], generated[t][i], 1e-5, 1e-4), $"tensor {t} [{i}]: eager {eager[t][i]}, generated {generated[t][i]}");
            }
        }

        IdsFiniteDifferences.Check(model, () => model.Call(ids));
    }

    [Fact]
    public void The_parent_checks_its_ids_shape_and_the_child_its_ids()
    {
        var model = new BagOfEmbeddings(8, 4, 3, 5);
        var e = Assert.Throws<ArgumentException>(() => model.Call(Tensor.FromIds(1, 2)));
        Assert.Contains("expected 'indices' of shape [*, 3] but got [2]", e.Message);
        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => model.Call(Tensor.FromIds([1, 2, 3, 4, 8, 0], 2, 3)));
        Assert.StartsWith("Embedding: index 8 at position 4 is out of range for a dimension of size 8", outOfRange.Message);
    }

    private static Tensor IdsOf(JsonElement element) => Tensor.FromIds(
        element.GetProperty("data").EnumerateArray().Select(v => v.GetInt64()).ToArray(),
        element.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());
}
