using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Parameters.Serialization;

/// <summary><see cref="LayerExtensions.StateDict"/> and <see cref="LayerExtensions.LoadStateDict"/>, PyTorch's semantics.</summary>
public sealed class StateDictTests
{
    [Fact]
    public void Names_and_order_are_named_parameters_and_values_share_storage()
    {
        var net = new Sequential(new MyLinear(5, 3), new ReLU(), new Linear(3, 2));
        IReadOnlyDictionary<string, Tensor> state = net.StateDict();
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], state.Keys);
        Assert.Equal(net.NamedParameters().Select(p => p.Key), state.Keys);

        foreach ((string name, Tensor parameter) in net.NamedParameters())
        {
            Tensor value = state[name];
            Assert.NotSame(parameter, value);
            Assert.Same(parameter.Data, value.Data); // same storage: writes go to the model, as in PyTorch
            Assert.False(value.RequiresGrad);        // detached, as state_dict() without keep_vars
        }

        state["2.bias"].Data[0] = 42f;
        Assert.Equal(42f, ((Linear)net[2]).Bias.Data[0]);
    }

    [Fact]
    public void A_shared_layer_appears_under_every_name_as_in_pytorch()
    {
        var shared = new Linear(4, 4);
        var net = new Sequential(shared, new ReLU(), shared);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], net.StateDict().Keys);
        Assert.Equal(["0.weight", "0.bias"], net.NamedParameters().Select(p => p.Key)); // listed once
        Assert.Same(net.StateDict()["0.weight"].Data, net.StateDict()["2.weight"].Data);
    }

    [Fact]
    public void Load_copies_values_into_the_same_parameter_objects()
    {
        var source = new Sequential(new MyLinear(5, 3), new MyLinear(3, 1));
        var target = new Sequential(new MyLinear(5, 3), new MyLinear(3, 1));
        Tensor[] before = target.Parameters().ToArray();
        Tensor x = Tensor.Rand(4, 5);

        IncompatibleKeys result = target.LoadStateDict(source.StateDict());

        Assert.True(result.AllMatched);
        Assert.Equal("<All keys matched successfully>", result.ToString());
        Assert.Equal(before, target.Parameters()); // identity kept: optimisers and shared references stay valid
        Assert.Equal(source.Call(x).Data, target.Call(x).Data);
        Assert.NotSame(source.StateDict()["0.weight"].Data, target.StateDict()["0.weight"].Data); // copied, not aliased
    }

    [Fact]
    public void Strict_load_reports_every_problem_at_once_and_changes_nothing()
    {
        var net = new Sequential(new MyLinear(5, 3), new MyLinear(3, 1));
        float[][] before = Snapshot(net);
        var state = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Zeros(5, 3),   // fine, but must not be copied
            ["0.bias"] = Tensor.Zeros(4),        // wrong shape
            ["1.weight"] = Tensor.Zeros(1, 3),   // wrong shape (transposed)
            ["2.weight"] = Tensor.Zeros(1),      // unexpected
            ["extra"] = Tensor.Zeros(1),         // unexpected
        };                                       // "1.bias" missing

        var e = Assert.Throws<StateDictLoadException>(() => net.LoadStateDict(state));

        Assert.Equal(["1.bias"], e.MissingKeys);
        Assert.Equal(["2.weight", "extra"], e.UnexpectedKeys);
        Assert.Equal(["0.bias", "1.weight"], e.ShapeMismatches.Select(m => m.Key));
        Assert.Equal([4], e.ShapeMismatches[0].CheckpointShape);
        Assert.Equal([3], e.ShapeMismatches[0].ModelShape);
        Assert.Equal(
            "Error(s) in loading state_dict for Sequential:\n" +
            "\tMissing key(s) in state_dict: \"1.bias\".\n" +
            "\tUnexpected key(s) in state_dict: \"2.weight\", \"extra\".\n" +
            "\tsize mismatch for 0.bias: copying a param with shape [4] from checkpoint, the shape in current model is [3].\n" +
            "\tsize mismatch for 1.weight: copying a param with shape [1, 3] from checkpoint, the shape in current model is [3, 1].",
            e.Message);
        Assert.Equal(before, Snapshot(net));
    }

    [Fact]
    public void Non_strict_load_skips_and_returns_missing_and_unexpected_keys()
    {
        var net = new Sequential(new MyLinear(2, 2), new MyLinear(2, 1));
        float[] bias1 = net.StateDict()["1.bias"].ToArray();
        var state = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Full(3f, 2, 2),
            ["0.bias"] = Tensor.Full(4f, 2),
            ["1.weight"] = Tensor.Full(5f, 2, 1),
            ["head.weight"] = Tensor.Zeros(3),
        };

        IncompatibleKeys result = net.LoadStateDict(state, strict: false);

        Assert.Equal(["1.bias"], result.MissingKeys);
        Assert.Equal(["head.weight"], result.UnexpectedKeys);
        Assert.Equal("IncompatibleKeys(missing_keys=['1.bias'], unexpected_keys=['head.weight'])", result.ToString());
        Assert.All(net.StateDict()["0.weight"].Data, v => Assert.Equal(3f, v));
        Assert.All(net.StateDict()["1.weight"].Data, v => Assert.Equal(5f, v));
        Assert.Equal(bias1, net.StateDict()["1.bias"].Data); // missing: kept
    }

    [Fact]
    public void Non_strict_load_still_rejects_a_shape_mismatch_and_changes_nothing()
    {
        var net = new Sequential(new MyLinear(2, 2));
        float[][] before = Snapshot(net);
        var state = new Dictionary<string, Tensor> { ["0.weight"] = Tensor.Zeros(2, 2), ["0.bias"] = Tensor.Zeros(5) };
        var e = Assert.Throws<StateDictLoadException>(() => net.LoadStateDict(state, strict: false));
        Assert.Empty(e.MissingKeys);
        Assert.Equal("0.bias", Assert.Single(e.ShapeMismatches).Key);
        Assert.Equal(before, Snapshot(net));
    }

    [Fact]
    public void Loading_a_models_own_state_under_swapped_names_reads_before_it_writes()
    {
        var layer = new MyLinear(3, 3);
        float[] weight = layer.Weight.ToArray();
        float[] bias = layer.Bias.ToArray();
        var a = new Sequential(layer, new MyLinear(3, 3));
        var b = (MyLinear)a[1];
        float[] weight1 = b.Weight.ToArray();
        IReadOnlyDictionary<string, Tensor> own = a.StateDict();
        var swapped = new Dictionary<string, Tensor>
        {
            ["0.weight"] = own["1.weight"], ["1.weight"] = own["0.weight"], ["0.bias"] = own["0.bias"], ["1.bias"] = own["1.bias"],
        };

        a.LoadStateDict(swapped);

        Assert.Equal(weight1, layer.Weight.Data);
        Assert.Equal(weight, b.Weight.Data);
        Assert.Equal(bias, layer.Bias.Data);
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        var net = new Sequential(new MyLinear(2, 2));
        Assert.Throws<ArgumentNullException>(() => net.LoadStateDict(null!));
        Assert.Throws<ArgumentNullException>(() => ((ILayer)null!).StateDict());
        Assert.Throws<ArgumentException>(() => net.LoadStateDict(new Dictionary<string, Tensor> { ["0.weight"] = null!, ["0.bias"] = Tensor.Zeros(2) }));
    }

    internal static float[][] Snapshot(ILayer layer) => [.. layer.StateDict().Values.Select(t => t.ToArray())];
}
