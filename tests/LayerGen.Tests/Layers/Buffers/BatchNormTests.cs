using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.Buffers;

/// <summary>
/// A BatchNorm1d written as a user layer (D2L's batch_norm with PyTorch's names), against <c>nn.BatchNorm1d</c>
/// (Fixtures/batch_norm_1d*.json, tools/fixtures/buffer_fixtures.py): three training-mode calls — outputs, every gradient,
/// the running statistics after each — then an eval-mode call reading them; on both kernels. Its running statistics
/// load from a PyTorch state dict, and its warm span forward and backward allocate nothing.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class BatchNormTests
{
    private static T FromVariable<T>(T value) => value;

    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    private static BatchNorm1d Make(string kernel, Fixture fixture)
    {
        var layer = kernel == "specialised"
            ? new BatchNorm1d(4)
            : new BatchNorm1d(FromVariable(fixture.LayerInt("numFeatures")), FromVariable(1e-3f), FromVariable(0.3f));
        Assert.Equal(kernel == "specialised" ? "BatchNorm1d[numFeatures=4]" : "BatchNorm1d[run-time sizes]", layer.KernelName);
        layer.LoadStateDict(
            new Dictionary<string, Tensor> { ["weight"] = fixture.Parameters["weight"].ToTensor(), ["bias"] = fixture.Parameters["bias"].ToTensor() },
            strict: false);
        return layer;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Training_calls_update_the_running_statistics_and_eval_mode_reads_them_as_PyTorch_does(string kernel)
    {
        var fixture = Fixture.Load(kernel == "specialised" ? "batch_norm_1d" : "batch_norm_1d_runtime");
        CheckTheFixturesCalls(Make(kernel, fixture), fixture);
    }

    /// <summary>
    /// The fixture's training- and eval-mode calls in order, each output, gradient and running statistic against
    /// PyTorch's, on <paramref name="layer"/> (a BatchNorm1d with PyTorch's names, its weight and bias loaded).
    /// </summary>
    internal static void CheckTheFixturesCalls(ILayer layer, Fixture fixture)
    {
        var parameters = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(["weight", "bias"], parameters.Keys);
        Assert.Equal(["running_mean", "running_var"], layer.NamedBuffers().Select(b => b.Key));

        int index = 0;
        foreach (var call in fixture.Layer!.Value.GetProperty("calls").EnumerateArray())
        {
            string what = $"call {index++} ({call.GetProperty("mode").GetString()})";
            layer.Train(call.GetProperty("mode").GetString() == "train");
            layer.ZeroGrad();
            var x = Read(call, "x").ToTensor();
            x.RequiresGrad = true;
            var y = layer.Call(x);
            TensorAssert.Close(Read(call, "y"), y.Data, y.Shape, $"{what} output");
            y.Backward(Read(call, "dy").ToTensor());
            TensorAssert.Close(Read(call, "dx"), x.Grad!.Data, x.Grad.Shape, $"{what} d/dx");
            TensorAssert.Close(Read(call, "dweight"), parameters["weight"].Grad!.Data, parameters["weight"].Grad!.Shape, $"{what} d/dweight");
            TensorAssert.Close(Read(call, "dbias"), parameters["bias"].Grad!.Data, parameters["bias"].Grad!.Shape, $"{what} d/dbias");

            var buffers = layer.NamedBuffers().ToDictionary(b => b.Key, b => b.Value);
            TensorAssert.Close(Read(call, "running_mean"), buffers["running_mean"].Data, buffers["running_mean"].Shape, $"{what} running_mean");
            TensorAssert.Close(Read(call, "running_var"), buffers["running_var"].Data, buffers["running_var"].Shape, $"{what} running_var");
            Assert.Null(buffers["running_mean"].Grad);
        }
    }

    [Fact]
    public void Gradients_in_training_mode_match_finite_differences()
    {
        var layer = new BatchNorm1d(4);
        Tensor.ManualSeed(21);
        FiniteDifferences.Check(layer, Tensor.Randn(6, 4));
        layer.Eval();
        FiniteDifferences.Check(layer, Tensor.Randn(6, 4));
    }

    [Fact]
    public void A_PyTorch_state_dict_loads_and_num_batches_tracked_is_reported_as_unexpected()
    {
        var fixture = Fixture.Load("batch_norm_1d");
        var last = fixture.Layer!.Value.GetProperty("calls").EnumerateArray().Last();
        var state = new Dictionary<string, Tensor>
        {
            ["weight"] = fixture.Parameters["weight"].ToTensor(),
            ["bias"] = fixture.Parameters["bias"].ToTensor(),
            ["running_mean"] = Read(last, "running_mean").ToTensor(),
            ["running_var"] = Read(last, "running_var").ToTensor(),
            ["num_batches_tracked"] = Tensor.FromIds([3L], []),
        };

        // PyTorch's third buffer is not one LayerGen keeps: a strict load names it, a non-strict one skips it.
        var layer = new BatchNorm1d(4);
        var strict = Assert.Throws<StateDictLoadException>(() => layer.LoadStateDict(state));
        Assert.Contains("num_batches_tracked", strict.Message);
        var skipped = layer.LoadStateDict(state, strict: false);
        Assert.Equal(["num_batches_tracked"], skipped.UnexpectedKeys);

        // Eval mode then normalises by the loaded statistics, as the PyTorch module that wrote them does.
        layer.Eval();
        var x = Read(last, "x").ToTensor();
        var y = layer.Call(x);
        TensorAssert.Close(Read(last, "y"), y.Data, y.Shape, "eval output after loading");
    }

    [Fact]
    public void Warm_span_forward_and_backward_allocate_nothing()
    {
        var layer = new BatchNorm1d(4);
        const int rows = 8;
        var random = new Random(42);
        var input = Enumerable.Range(0, rows * 4).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        var output = new float[rows * 4];
        var outputGrad = Enumerable.Range(0, rows * 4).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var inputGrad = new float[rows * 4];
        var saved = new float[layer.SavedLength(rows)];
        void Step()
        {
            layer.ForwardSpan(rows, input, output, saved);
            layer.BackwardSpan(rows, input, output, outputGrad, inputGrad, saved);
        }

        Assert.Equal(0, Allocations.AfterWarmUp(Step, calls: 1000));
        Assert.All(output, v => Assert.True(float.IsFinite(v)));

        // The span forward wrote the running statistics into the buffers' own storage.
        Assert.Contains(layer.NamedBuffers().First().Value.Data, v => v != 0f);
    }

    internal static FixtureTensor Read(JsonElement call, string property) => FixtureTensor.Parse(call.GetProperty(property), property);
}
