using System;
using System.IO;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Parameters.Serialization;

/// <summary>
/// One test per way a file can be wrong. Each loads the bad file into a model and checks the exception
/// (type, file, tensor, expected against found) and that the model did not change.
/// The model is <c>Sequential(MyLinear(2, 2))</c>: "0.bias" [2] at bytes [0, 8) and "0.weight" [2, 2] at [8, 24).
/// </summary>
public sealed class SafeTensorsMalformedTests : IDisposable
{
    private const string Bias = "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
    private const string Weight = "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]}";
    private static readonly byte[] Data = RawSafeTensors.F32(1, 2, 3, 4, 5, 6);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_valid_file_loads_as_the_baseline_for_the_cases_below()
    {
        var net = new Sequential(new MyLinear(2, 2));
        string path = Write(RawSafeTensors.Bytes("{" + Bias + "," + Weight + "}", Data));
        Assert.True(SafeTensors.Load(net, path).AllMatched);
        Assert.Equal([1f, 2], ((MyLinear)net[0]).Bias.Data);
        Assert.Equal([3f, 4, 5, 6], ((MyLinear)net[0]).Weight.Data);
    }

    [Fact]
    public void File_shorter_than_the_length_field()
    {
        var e = Rejected<SafeTensorsFormatException>([1, 2, 3]);
        Assert.Null(e.TensorName);
        Assert.Contains("truncated: 3 bytes, fewer than the 8 bytes of the header length", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_truncated_inside_the_data()
    {
        byte[] whole = RawSafeTensors.Bytes("{" + Bias + "," + Weight + "}", Data);
        var e = Rejected<SafeTensorsFormatException>(whole[..^5]);
        Assert.Equal("0.weight", e.TensorName);
        Assert.Contains("end at byte 24 of the data buffer, which has only 19 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_length_beyond_the_end_of_the_file()
    {
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("{}", [], headerLength: 1000));
        Assert.Contains("says 1000 bytes but only 2 bytes follow it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_length_over_100_MB()
    {
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("{}", [], headerLength: 100_000_001));
        Assert.Contains("100000001 bytes, more than the 100000000-byte (100 MB) limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_is_not_json()
    {
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("{" + Bias + ",", Data));
        Assert.Contains("the header is not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_is_not_utf8()
    {
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes([(byte)'{', 0xFF, 0xFE, (byte)'}'], []));
        Assert.Contains("the header is not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_is_json_but_not_an_object()
    {
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("[1, 2]", []));
        Assert.Contains("the header must be a JSON object but is an array", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_dtype()
    {
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("{" + Bias.Replace("F32", "F33") + "," + Weight + "}", Data));
        Assert.Equal("0.bias", e.TensorName);
        Assert.Contains("unknown dtype \"F33\" (expected F32, F16, BF16, F64 or I64)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Safetensors_dtype_that_is_not_supported()
    {
        string bias = "\"0.bias\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("{" + bias + "," + Weight + "}", Data));
        Assert.Equal("0.bias", e.TensorName);
        Assert.Contains("dtype \"I32\" is not supported (expected F32, F16, BF16, F64 or I64)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offsets_out_of_range()
    {
        // Consistent with its own shapes, but the data buffer stops after the bias.
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("{" + Bias + "," + Weight + "}", Data[..8]));
        Assert.Equal("0.weight", e.TensorName);
        Assert.Contains("data_offsets end at byte 24 of the data buffer, which has only 8 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offsets_that_end_before_they_begin()
    {
        string weight = "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[24,8]}";
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("{" + Bias + "," + weight + "}", Data));
        Assert.Equal("0.weight", e.TensorName);
        Assert.Contains("data_offsets [24, 8] end before they begin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_offsets()
    {
        string weight = "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[4,20]}";
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("{" + Bias + "," + weight + "}", Data[..20]));
        Assert.Equal("0.weight", e.TensorName);
        Assert.Contains("data_offsets [4, 20] overlap tensor '0.bias', which ends at byte 8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offsets_leaving_a_hole_between_tensors()
    {
        string weight = "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[12,28]}";
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("{" + Bias + "," + weight + "}", [.. Data, 0, 0, 0, 0]));
        Assert.Equal("0.weight", e.TensorName);
        Assert.Contains("leave a hole of 4 bytes after the end of tensor '0.bias' (byte 8)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offsets_leaving_bytes_after_the_last_tensor()
    {
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("{" + Bias + "," + Weight + "}", [.. Data, 9, 9]));
        Assert.Contains("the data buffer has 26 bytes but the tensors cover 24: 2 bytes after the last tensor '0.weight' belong to no tensor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Byte_count_differs_from_shape_times_dtype_size()
    {
        string weight = "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,20]}";
        var e = Rejected<SafeTensorsFormatException>(RawSafeTensors.Bytes("{" + Bias + "," + weight + "}", Data[..20]));
        Assert.Equal("0.weight", e.TensorName);
        Assert.Contains("shape [2, 2] of F32 needs 16 bytes but data_offsets [8, 20] hold 12", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_entries_name_the_tensor()
    {
        Assert.Contains("\"dtype\" is missing", Rejected<SafeTensorsFormatException>(
            RawSafeTensors.Bytes("{\"0.bias\":{\"shape\":[2],\"data_offsets\":[0,8]}}", Data[..8])).Message, StringComparison.Ordinal);
        Assert.Contains("shape[0] must be a non-negative integer but is -2", Rejected<SafeTensorsFormatException>(
            RawSafeTensors.Bytes("{\"0.bias\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", Data[..8])).Message, StringComparison.Ordinal);
        Assert.Contains("data_offsets must be two non-negative integers", Rejected<SafeTensorsFormatException>(
            RawSafeTensors.Bytes("{\"0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", Data[..8])).Message, StringComparison.Ordinal);
        Assert.Contains("the name appears twice", Rejected<SafeTensorsFormatException>(
            RawSafeTensors.Bytes("{" + Bias + "," + Bias + "}", Data[..8])).Message, StringComparison.Ordinal);
        Assert.Contains("\"__metadata__\" entry \"n\" must be a string but is a number", Rejected<SafeTensorsFormatException>(
            RawSafeTensors.Bytes("{\"__metadata__\":{\"n\":1}," + Bias + "," + Weight + "}", Data)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensor_shape_that_does_not_fit_the_model()
    {
        string weight = "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}";
        var e = Rejected<StateDictLoadException>(RawSafeTensors.Bytes("{" + Bias + "," + weight + "}", Data));
        Assert.Equal("0.weight", Assert.Single(e.ShapeMismatches).Key);
        Assert.Contains("size mismatch for 0.weight: copying a param with shape [4] from checkpoint, the shape in current model is [2, 2].", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_key_under_strict_loading()
    {
        var e = Rejected<StateDictLoadException>(RawSafeTensors.Bytes("{" + Bias + "}", Data[..8]));
        Assert.Equal(["0.weight"], e.MissingKeys);
        Assert.Contains("Missing key(s) in state_dict: \"0.weight\".", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unexpected_key_under_strict_loading()
    {
        string extra = "\"1.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]}";
        var e = Rejected<StateDictLoadException>(RawSafeTensors.Bytes("{" + Bias + "," + Weight + "," + extra + "}", [.. Data, .. RawSafeTensors.F32(7)]));
        Assert.Equal(["1.weight"], e.UnexpectedKeys);
        Assert.Contains("Unexpected key(s) in state_dict: \"1.weight\".", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_and_unexpected_keys_are_returned_under_non_strict_loading()
    {
        var net = new Sequential(new MyLinear(2, 2));
        string extra = "\"head\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}";
        string path = Write(RawSafeTensors.Bytes("{" + Bias + "," + extra + "}", [.. Data[..8], .. RawSafeTensors.F32(7)]));
        IncompatibleKeys result = SafeTensors.Load(net, path, strict: false);
        Assert.Equal(["0.weight"], result.MissingKeys);
        Assert.Equal(["head"], result.UnexpectedKeys);
        Assert.Equal([1f, 2], ((MyLinear)net[0]).Bias.Data);
    }

    /// <summary>Writes <paramref name="bytes"/> to a file, loads it into a fresh model, and checks the load throws and changes nothing.</summary>
    private TException Rejected<TException>(byte[] bytes)
        where TException : Exception
    {
        var net = new Sequential(new MyLinear(2, 2));
        float[][] before = StateDictTests.Snapshot(net);
        string path = Write(bytes);

        var e = Assert.Throws<TException>(() => SafeTensors.Load(net, path));

        Assert.Equal(before, StateDictTests.Snapshot(net));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        if (e is SafeTensorsFormatException format)
        {
            Assert.Equal(path, format.FileName);
        }
        else if (e is StateDictLoadException load)
        {
            Assert.Equal(path, load.FileName);
        }

        return e;
    }

    private string Write(byte[] bytes)
    {
        string path = _folder.File($"case-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
