using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Parameters.Serialization;

/// <summary>
/// int64 tensors in safetensors files: written as <c>I64</c> (the bytes compared with a file built by hand
/// from the format's definition), read back as int64, and refused with expected-against-found where a model
/// holds float32 values.
/// </summary>
public sealed class SafeTensorsInt64Tests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Int64_tensors_are_written_as_I64_with_the_bytes_the_format_defines()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["ids"] = Tensor.FromIds([1, -2, long.MaxValue, long.MinValue], 2, 2),
            ["w"] = Tensor.From(0.5f, -1f),
        };
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors);

        string header = "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2,2],\"data_offsets\":[0,32]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[32,40]}}";
        header += new string(' ', (8 - (header.Length % 8)) % 8);
        byte[] data = [.. I64(1, -2, long.MaxValue, long.MinValue), .. RawSafeTensors.F32(0.5f, -1f)];
        Assert.Equal(RawSafeTensors.Bytes(header, data), stream.ToArray());
    }

    [Fact]
    public void Int64_tensors_round_trip_exactly()
    {
        long[] ids = [0, 7, -1, long.MaxValue, long.MinValue, 1L << 40];
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, new Dictionary<string, Tensor> { ["token_ids"] = Tensor.FromIds(ids, 3, 2) });
        stream.Position = 0;

        SafeTensorsFile file = SafeTensors.Read(stream);

        Tensor read = file.Tensors["token_ids"];
        Assert.Equal(DType.Int64, read.DType);
        Assert.Equal([3, 2], read.Shape.ToArray());
        Assert.Equal(ids, read.LongData);
        Assert.Equal(SafeTensorsDType.I64, file.DTypes["token_ids"]);
    }

    [Fact]
    public void A_hand_built_I64_file_reads_as_int64()
    {
        string header = "{\"labels\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]}}";
        string path = _folder.File("labels.safetensors");
        File.WriteAllBytes(path, RawSafeTensors.Bytes(header, I64(2, 0, 9)));

        Tensor labels = SafeTensors.Read(path).Tensors["labels"];

        Assert.Equal("tensor([2, 0, 9])", labels.ToString());
    }

    [Fact]
    public void Loading_ids_into_a_float_parameter_is_refused_with_expected_and_found()
    {
        var net = new Sequential(new MyLinear(2, 2));
        float[][] before = StateDictTests.Snapshot(net);
        string header = "{\"0.bias\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[16,32]}}";
        string path = _folder.File("ids.safetensors");
        File.WriteAllBytes(path, RawSafeTensors.Bytes(header, [.. I64(1, 2), .. RawSafeTensors.F32(3, 4, 5, 6)]));

        var e = Assert.Throws<StateDictLoadException>(() => SafeTensors.Load(net, path));

        Assert.Contains("dtype mismatch for 0.bias: expected torch.float32 (the model's) but found torch.int64 in the checkpoint.", e.Message, StringComparison.Ordinal);
        var mismatch = Assert.Single(e.DTypeMismatches);
        Assert.Equal(new StateDictDTypeMismatch("0.bias", DType.Int64, DType.Float32), mismatch);
        Assert.Equal(before, StateDictTests.Snapshot(net)); // nothing copied, the weight included
    }

    [Fact]
    public void LoadStateDict_refuses_ids_for_values_too()
    {
        var net = new Sequential(new MyLinear(2, 2));
        var state = new Dictionary<string, Tensor>
        {
            ["0.bias"] = Tensor.From(1f, 2),
            ["0.weight"] = Tensor.FromIds([1, 2, 3, 4], 2, 2),
        };

        var e = Assert.Throws<StateDictLoadException>(() => net.LoadStateDict(state));

        Assert.Contains("dtype mismatch for 0.weight: expected torch.float32 (the model's) but found torch.int64", e.Message, StringComparison.Ordinal);
    }

    private static byte[] I64(params long[] values)
    {
        var bytes = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), values[i]);
        }

        return bytes;
    }
}
