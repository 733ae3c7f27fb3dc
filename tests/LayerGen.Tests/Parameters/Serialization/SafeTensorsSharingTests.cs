using System;
using System.Collections.Generic;
using System.IO;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Parameters.Serialization;

/// <summary>
/// Shared parameters in files, as safetensors' PyTorch helpers (<c>save_model</c> / <c>load_model</c>) treat
/// them: stored once under the first name in ordinal order, each dropped alias recorded in the metadata
/// as <c>alias → kept name</c>, and re-linked on load through the model's own sharing.
/// </summary>
public sealed class SafeTensorsSharingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_layer_used_twice_is_stored_once_and_loads_back_into_the_same_structure()
    {
        var shared = new Linear(3, 3);
        var net = new Sequential(shared, new ReLU(), shared);
        string path = _folder.File("shared.safetensors");
        SafeTensors.Save(net, path);

        SafeTensorsFile file = SafeTensors.Read(path);
        Assert.Equal(["0.bias", "0.weight"], file.Tensors.Keys);
        Assert.Equal(new Dictionary<string, string> { ["2.bias"] = "0.bias", ["2.weight"] = "0.weight" }, file.Metadata);

        var shared2 = new Linear(3, 3);
        var fresh = new Sequential(shared2, new ReLU(), shared2);
        Assert.True(SafeTensors.Load(fresh, path).AllMatched);
        Tensor x = Tensor.Rand(2, 3);
        Assert.Equal(net.Call(x).Data, fresh.Call(x).Data);
        Assert.Equal(shared.Weight.Data, shared2.Weight.Data);
    }

    [Fact]
    public void A_tensor_tied_across_layers_is_stored_once_and_needs_a_tied_model_to_load()
    {
        var a = new MyLinear(3, 3);
        var b = new MyLinear(3, 3);
        b.Weight = a.Weight;
        string path = _folder.File("tied.safetensors");
        SafeTensors.Save(new Sequential(a, b), path, new Dictionary<string, string> { ["format"] = "pt" });

        SafeTensorsFile file = SafeTensors.Read(path);
        Assert.Equal(["0.bias", "0.weight", "1.bias"], file.Tensors.Keys);
        Assert.Equal(new Dictionary<string, string> { ["1.weight"] = "0.weight", ["format"] = "pt" }, file.Metadata);

        var c = new MyLinear(3, 3);
        var d = new MyLinear(3, 3);
        d.Weight = c.Weight;
        Assert.True(SafeTensors.Load(new Sequential(c, d), path).AllMatched);
        Assert.Equal(a.Weight.Data, d.Weight.Data);

        // An untied model lacks the sharing that would fill "1.weight": strict loading says so, as load_model does.
        var untied = new Sequential(new MyLinear(3, 3), new MyLinear(3, 3));
        float[][] before = StateDictTests.Snapshot(untied);
        var e = Assert.Throws<StateDictLoadException>(() => SafeTensors.Load(untied, path));
        Assert.Equal(["1.weight"], e.MissingKeys);
        Assert.Equal(before, StateDictTests.Snapshot(untied));
    }

    [Fact]
    public void A_users_metadata_entry_is_not_overwritten_by_an_alias_record()
    {
        var shared = new MyLinear(2, 2);
        string path = _folder.File("meta.safetensors");
        SafeTensors.Save(new Sequential(shared, shared), path, new Dictionary<string, string> { ["1.weight"] = "mine" });
        Assert.Equal("mine", SafeTensors.Read(path).Metadata["1.weight"]);
        Assert.Equal("0.bias", SafeTensors.Read(path).Metadata["1.bias"]);
    }

    [Fact]
    public void A_file_holding_every_alias_loads_when_their_values_agree()
    {
        var shared = new MyLinear(2, 2);
        var net = new Sequential(shared, shared);
        string path = _folder.File("all-names.safetensors");
        using (var stream = File.Create(path))
        {
            SafeTensors.Write(stream, net.StateDict()); // every name, shared data written twice
        }

        var shared2 = new MyLinear(2, 2);
        Assert.True(SafeTensors.Load(new Sequential(shared2, shared2), path).AllMatched);
        Assert.Equal(shared.Weight.Data, shared2.Weight.Data);
    }

    [Fact]
    public void A_file_holding_different_values_for_one_shared_parameter_is_rejected()
    {
        var state = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Zeros(2, 2),
            ["0.bias"] = Tensor.Zeros(2),
            ["1.weight"] = Tensor.Ones(2, 2),
            ["1.bias"] = Tensor.Zeros(2),
        };
        string path = _folder.File("conflict.safetensors");
        using (var stream = File.Create(path))
        {
            SafeTensors.Write(stream, state);
        }

        var shared = new MyLinear(2, 2);
        var net = new Sequential(shared, shared);
        float[][] before = StateDictTests.Snapshot(net);
        var e = Assert.Throws<StateDictLoadException>(() => SafeTensors.Load(net, path));
        Assert.Equal(["0.weight", "1.weight"], Assert.Single(e.ConflictingAliases));
        Assert.Contains("different values for \"0.weight\", \"1.weight\", which are one shared parameter", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, StateDictTests.Snapshot(net));
    }
}
