using System;
using System.IO;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.Buffers;

/// <summary>
/// Plain tensor fields and [Buffer]s read by a forward (issue 16), through the generated kernels: against PyTorch
/// (Fixtures/positional_encoding*.json, tools/fixtures/buffer_fixtures.py) on both kernels, finite differences, the
/// eager path; never trained, listed as PyTorch lists them (buffers in the state dict, plain fields nowhere).
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class BufferTests
{
    /// <summary>A value the generator cannot see at the construction site: the run-time-bounded kernel.</summary>
    private static T FromVariable<T>(T value) => value;

    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Positional_encoding_table_computed_in_the_constructor_matches_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new PositionalEncoding(5, 6, 8) : new PositionalEncoding(FromVariable(4), FromVariable(8), FromVariable(10));
        Assert.Equal(kernel == "specialised" ? "PositionalEncoding[numSteps=5, numHiddens=6, maxLen=8]" : "PositionalEncoding[run-time sizes]", layer.KernelName);
        var fixture = Fixture.Load(kernel == "specialised" ? "positional_encoding" : "positional_encoding_runtime");

        // The table is state, not a parameter: nothing to train, nothing in the state dict (a plain attribute in PyTorch).
        Assert.Empty(layer.NamedParameters());
        Assert.Empty(layer.NamedBuffers());
        Assert.Empty(layer.StateDict());

        var x = fixture.Inputs["x"].ToTensor();
        x.RequiresGrad = true;
        var y = layer.Call(x);
        TensorAssert.Close(fixture.Output, y.Data, y.Shape, "output");
        y.Backward(fixture.Dy.ToTensor());
        TensorAssert.Close(fixture.Grads["x"], x.Grad!.Data, x.Grad.Shape, "d/dx");

        var eager = layer.CallEager(fixture.Inputs["x"].ToTensor());
        TensorAssert.Close(fixture.Output, eager.Data, eager.Shape, "eager output");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Positional_encoding_gradient_matches_finite_differences(string kernel)
    {
        var layer = kernel == "specialised" ? new PositionalEncoding(5, 6, 8) : new PositionalEncoding(FromVariable(3), FromVariable(4), FromVariable(7));
        Tensor.ManualSeed(11);
        FiniteDifferences.Check(layer, Tensor.Randn(2, layer.InputRowLength / (kernel == "specialised" ? 6 : 4), kernel == "specialised" ? 6 : 4));
    }

    [Fact]
    public void Buffers_are_listed_under_PyTorch_names_after_the_parameters_and_never_trained()
    {
        var layer = new ScaledShift(4);
        Assert.Equal(["bias"], layer.NamedParameters().Select(p => p.Key));
        Assert.Equal(["feature_scale", "offset"], layer.NamedBuffers().Select(p => p.Key));
        Assert.Equal(["bias", "feature_scale", "offset"], layer.StateDict().Keys);

        var x = Tensor.Randn(3, 4);
        x.RequiresGrad = true;
        var y = layer.Call(x);
        var bias = layer.NamedParameters().Single().Value;
        for (int i = 0; i < y.Count; i++)
        {
            Assert.Equal(x.Data[i] * 2f + bias.Data[i % 4], y.Data[i], 5);
        }

        y.Sum().Backward();
        Assert.All(x.Grad!.Data, g => Assert.Equal(2f, g));
        foreach (var (_, buffer) in layer.NamedBuffers())
        {
            Assert.False(buffer.RequiresGrad);
            Assert.Null(buffer.Grad);
        }

        // An optimiser over the model's parameters never sees a buffer.
        var before = layer.NamedBuffers().Select(b => b.Value.ToArray()).ToList();
        new Sgd(layer.Parameters(), learningRate: 0.5).Step();
        Assert.Equal(before, layer.NamedBuffers().Select(b => b.Value.ToArray()).ToList());
        FiniteDifferences.Check(layer, Tensor.Randn(3, 4));
    }

    [Fact]
    public void Buffers_load_from_a_state_dict_and_round_trip_through_safetensors()
    {
        var source = new ScaledShift(3);
        source.LoadStateDict(new System.Collections.Generic.Dictionary<string, Tensor>
        {
            ["bias"] = Tensor.From(1f, 2f, 3f),
            ["feature_scale"] = Tensor.From(-1f, 0.5f, 4f),
            ["offset"] = Tensor.From(10f, 20f, 30f),
        });
        var x = Tensor.From(new float[] { 1, 1, 1, 2, 2, 2 }, 2, 3);
        Assert.Equal(new float[] { 10, 22.5f, 37, 9, 23, 41 }, source.Call(x).ToArray());

        string path = Path.Combine(Path.GetTempPath(), $"layergen-buffers-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(source, path);
            Assert.Equal(["bias", "feature_scale", "offset"], SafeTensors.Read(path).Tensors.Keys.OrderBy(k => k, StringComparer.Ordinal));
            var target = new ScaledShift(3);
            SafeTensors.Load(target, path);
            Assert.Equal(source.Call(x).ToArray(), target.Call(x).ToArray());
        }
        finally
        {
            File.Delete(path);
        }

        // A state without the buffers is missing keys, as in PyTorch's strict load_state_dict.
        var partial = Assert.Throws<StateDictLoadException>(() => new ScaledShift(3).LoadStateDict(new System.Collections.Generic.Dictionary<string, Tensor> { ["bias"] = Tensor.Zeros(3) }));
        Assert.Contains("feature_scale", partial.Message);
    }

    [Fact]
    public void A_buffer_of_another_shape_is_an_error_naming_it_and_both_shapes()
    {
        var layer = new ScaledShift(4);
        layer.ReplaceScale(Tensor.Ones(5));
        var error = Assert.Throws<ArgumentException>(() => layer.Call(Tensor.Randn(2, 4)));
        Assert.Contains("featureScale", error.Message);
        Assert.Contains("[4]", error.Message);
        Assert.Contains("[5]", error.Message);
    }
}
