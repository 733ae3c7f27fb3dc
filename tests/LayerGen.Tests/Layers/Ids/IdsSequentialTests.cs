using System;
using System.Linq;
using System.Text.Json;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.Ids;

/// <summary>
/// A <see cref="Sequential"/> whose first layer takes int64 ids — <c>new Sequential(new Embedding(7, 3), new FlattenSteps(4, 3),
/// new Linear(12, 5))</c>, PyTorch's <c>nn.Sequential(nn.Embedding, nn.Flatten, nn.Linear)</c> — trained by a <see cref="Trainer"/>
/// on batches of ids and int64 labels against PyTorch (Fixtures/ids_sequential_training.json, tools/fixtures/ids_sequential.py:
/// each step's loss and the parameters after it, SGD with momentum, batches of 3, 2 and 3 samples); its tensor path against
/// the eager path and finite differences; and the errors for a float tensor where ids go and ids where floats go.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class IdsSequentialTests
{
    private static Sequential Model() => new(new Embedding(7, 3), new FlattenSteps(4, 3), new Linear(12, 5));

    [Fact]
    public void Its_children_run_their_generated_kernels_and_a_row_is_one_samples_ids()
    {
        Sequential model = Model();
        Assert.True(model.TakesIds);
        Assert.Equal("Embedding[run-time sizes]", model.IdsLayer!.KernelName);
        Assert.Equal("FlattenSteps[steps=4, dim=3]", model[1].KernelName);
        Assert.Equal("Linear[inFeatures=12, outFeatures=5]", model[2].KernelName);
        Assert.Equal(4, model.InputRowLength);  // the embedding takes one id per row; FlattenSteps wants 4 of its rows
        Assert.Equal(5, model.OutputRowLength);
        Assert.Equal(["0.weight", "2.weight", "2.bias"], model.NamedParameters().Select(p => p.Key));
        Assert.Throws<InvalidOperationException>(() => model[0]);
    }

    [Fact]
    public void Trainer_steps_on_ids_and_int64_labels_match_torch()
    {
        using JsonDocument document = FixtureJson.Open(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "ids_sequential_training.json"));
        JsonElement root = document.RootElement;
        Sequential model = Model();
        foreach (var (name, tensor) in FixtureJson.TensorMap(root, "initial", "ids_sequential_training"))
        {
            tensor.Data.CopyTo(model.GetParameter(name).Data.AsSpan());
        }

        var sgd = new Sgd(model.Parameters(), root.GetProperty("lr").GetDouble(), momentum: root.GetProperty("momentum").GetDouble());
        var trainer = new Trainer(model, new CrossEntropyLoss(5), sgd, maxRows: 3);
        Assert.Equal("generated step: Embedding[run-time sizes] → FlattenSteps[steps=4, dim=3] → Linear[inFeatures=12, outFeatures=5]", trainer.StepName);
        int step = 0;
        foreach (JsonElement expected in root.GetProperty("steps").EnumerateArray())
        {
            string at = $"step {++step}";
            float loss = trainer.Step(IdsOf(expected.GetProperty("ids")), IdsOf(expected.GetProperty("labels")));
            Assert.True(TensorAssert.IsClose(expected.GetProperty("loss").GetDouble(), loss), $"{at}: loss {loss}, torch {expected.GetProperty("loss").GetDouble()}");
            foreach (var (name, parameter) in FixtureJson.TensorMap(expected, "parameters", at))
            {
                TensorAssert.Close(parameter, model.GetParameter(name).Data, parameter.Shape, $"{at}: {name} after the step");
            }
        }
    }

    [Fact]
    public void The_tensor_path_agrees_with_the_eager_path_and_finite_differences()
    {
        Tensor.ManualSeed(16);
        Sequential model = Model();
        Tensor ids = Tensor.FromIds([6, 0, 0, 2, 4, 4, 4, 1], 2, 4);
        Tensor dy = Tensor.Randn(2, 5);

        float[][] Run(Func<Tensor> call)
        {
            model.ZeroGrad();
            Tensor y = call();
            Assert.Equal([2, 5], y.Shape.ToArray());
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
    public void The_span_path_gives_the_tensor_paths_output_and_gradients()
    {
        Tensor.ManualSeed(17);
        Sequential model = Model();
        long[] ids = [1, 2, 3, 4, 5, 6, 0, 1, 1, 1, 1, 2];
        Tensor dy = Tensor.Randn(3, 5);
        model.ZeroGrad();
        Tensor y = model.Call(Tensor.FromIds(ids, 3, 4));
        y.Backward(dy);
        float[][] expected = model.Parameters().Select(p => p.Grad!.ToArray()).ToArray();

        model.ZeroGrad();
        var output = new float[3 * model.OutputRowLength];
        var saved = new float[model.SavedLength(3)];
        model.ForwardSpan(3, ids, output, saved);
        model.BackwardSpan(3, ids, output, dy.Data, saved);
        AssertClose(y.Data, output, "span output");
        foreach (var (grad, parameter) in expected.Zip(model.Parameters()))
        {
            AssertClose(grad, parameter.Grad!.Data, "span gradient");
        }
    }

    [Fact]
    public void A_float_tensor_where_ids_go_and_ids_where_floats_go_are_clear_errors()
    {
        Sequential model = Model();
        var e = Assert.Throws<ArgumentException>(() => model.Call(Tensor.Zeros(2, 4)));
        Assert.StartsWith("Sequential: its first layer (Embedding) takes int64 ids, but the input is a Float32 tensor", e.Message);
        Assert.Throws<InvalidOperationException>(() => model.ForwardSpan(1, new float[4], new float[5], new float[model.SavedLength(1)]));

        var floats = new Sequential(new Linear(4, 2));
        e = Assert.Throws<ArgumentException>(() => floats.Call(Tensor.FromIds([1, 2, 3, 0], 1, 4)));
        Assert.StartsWith("Sequential: its first layer (Linear) takes float32 values, but the input is an int64 tensor of ids", e.Message);

        var trainer = new Trainer(model, new CrossEntropyLoss(5), new Sgd(model.Parameters(), 0.1), maxRows: 2);
        e = Assert.Throws<ArgumentException>(() => trainer.Step(Tensor.Zeros(1, 4), Tensor.FromIds(1)));
        Assert.StartsWith("Trainer: the model's first layer (Embedding) takes int64 ids, but the features are a Float32 tensor", e.Message);
        Assert.Throws<ArgumentException>(() => new Sequential(new Linear(4, 2), model));
    }

    [Fact]
    public void A_warm_Trainer_step_on_ids_allocates_nothing()
    {
        Sequential model = Model();
        var trainer = new Trainer(model, new CrossEntropyLoss(5), new Sgd(model.Parameters(), 0.05, momentum: 0.9), maxRows: 3);
        Tensor ids = Tensor.FromIds([1, 5, 5, 0, 6, 2, 1, 1, 3, 3, 3, 4], 3, 4), labels = Tensor.FromIds(2, 0, 4);
        float loss = 0;
        Assert.Equal(0, Allocations.AfterWarmUp(() => loss = trainer.Step(ids, labels), calls: 200));
        Assert.True(loss < 0.1f, $"200 more steps on one batch should fit it; the loss is {loss}");
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(TensorAssert.IsClose(expected[i], actual[i], 1e-6, 1e-5), $"{what} [{i}]: tensor path {expected[i]}, span path {actual[i]}");
        }
    }

    private static Tensor IdsOf(JsonElement element) => Tensor.FromIds(
        element.GetProperty("data").EnumerateArray().Select(v => v.GetInt64()).ToArray(),
        element.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());
}
