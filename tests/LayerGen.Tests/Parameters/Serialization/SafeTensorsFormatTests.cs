using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace LayerGen.Tests.Parameters.Serialization;

/// <summary>
/// The byte layout <see cref="SafeTensors.Write"/> produces and <see cref="SafeTensors.Read(Stream, string?)"/>
/// accepts. The expected bytes of the first tests are the reference (Rust) crate's own unit tests
/// (<c>safetensors/src/tensor.rs</c>: test_serialization, test_serialization_forced_alignement, test_empty).
/// </summary>
public sealed class SafeTensorsFormatTests
{
    [Fact]
    public void Writes_the_reference_implementations_bytes()
    {
        var tensors = new Dictionary<string, Tensor> { ["attn.0"] = Tensor.From([0f, 1, 2, 3, 4, 5], 1, 2, 3) };
        byte[] expected =
        [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        Assert.Equal(expected, WriteToBytes(tensors));
    }

    [Fact]
    public void Pads_the_header_with_spaces_to_a_multiple_of_8()
    {
        var tensors = new Dictionary<string, Tensor> { ["attn0"] = Tensor.From([0f, 1, 2, 3, 4, 5], 1, 1, 2, 3) };
        byte[] bytes = WriteToBytes(tensors);
        Assert.Equal(72UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ", Encoding.UTF8.GetString(bytes, 8, 72));
        Assert.Equal(8 + 72 + 24, bytes.Length);
    }

    [Fact]
    public void Writes_an_empty_file_and_metadata_as_the_reference_does()
    {
        Assert.Equal([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32], WriteToBytes(new Dictionary<string, Tensor>()));
        byte[] withMetadata = WriteToBytes(new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["framework"] = "pt" });
        Assert.Equal(
            [
                40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
                95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
                116, 34, 125, 125, 32, 32, 32, 32, 32,
            ],
            withMetadata);
    }

    [Fact]
    public void Sorts_tensors_by_name_with_consecutive_offsets()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["b"] = Tensor.From(1f, 2),
            ["a.weight"] = Tensor.From([3f, 4, 5, 6], 2, 2),
            ["B"] = Tensor.From(7f),
        };
        byte[] bytes = WriteToBytes(tensors);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes)).TrimEnd(' ');
        Assert.Equal(
            "{\"B\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}," +
            "\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[4,20]}," +
            "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[20,28]}}",
            header);
    }

    [Fact]
    public void Round_trips_tensors_shapes_and_metadata()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["scalar"] = Tensor.From([2.5f], []),
            ["empty"] = Tensor.Zeros(0, 3),
            ["matrix"] = Tensor.From([1f, -2, float.NaN, float.PositiveInfinity, 1e-40f, -0f], 2, 3),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode + \"quotes\"" };

        SafeTensorsFile file = SafeTensors.Read(new MemoryStream(WriteToBytes(tensors, metadata)));

        Assert.Equal(["empty", "matrix", "scalar"], file.Tensors.Keys); // data order = name order when written by us
        foreach ((string name, Tensor t) in tensors)
        {
            Assert.Equal(t.Shape.ToArray(), file.Tensors[name].Shape.ToArray());
            Assert.Equal(t.Data.Select(BitConverter.SingleToInt32Bits), file.Tensors[name].Data.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(SafeTensorsDType.F32, file.DTypes[name]);
        }

        Assert.Equal(metadata.OrderBy(m => m.Key), file.Metadata.OrderBy(m => m.Key));
    }

    [Fact]
    public void Reads_f16_exactly_and_accepts_any_key_order_in_the_header()
    {
        float[] values = [1f, -0.5f, 65504f, 6.1035156e-05f, 0.33325195f];
        byte[] data = [.. RawSafeTensors.F32(9f), .. RawSafeTensors.F16(values)];
        string header = "{\"h\":{\"data_offsets\":[4,14],\"shape\":[5],\"dtype\":\"F16\"},\"f\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}";

        SafeTensorsFile file = SafeTensors.Read(new MemoryStream(RawSafeTensors.Bytes(header, data)));

        Assert.Equal(["f", "h"], file.Tensors.Keys); // data order
        Assert.Equal(values, file.Tensors["h"].Data);
        Assert.Equal(SafeTensorsDType.F16, file.DTypes["h"]);
        Assert.Equal(0, file.Tensors["f"].Rank);
        Assert.Equal(9f, file.Tensors["f"].Item());
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Reads_a_stream_that_cannot_seek()
    {
        var tensors = new Dictionary<string, Tensor> { ["w"] = Tensor.Arange(1000) };
        var stream = new ForwardOnlyStream(WriteToBytes(tensors));
        Assert.Equal(Tensor.Arange(1000).Data, SafeTensors.Read(stream).Tensors["w"].Data);

        byte[] withTrailing = [.. WriteToBytes(tensors), 0];
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(new ForwardOnlyStream(withTrailing), "pipe"));
        Assert.Contains("belong to no tensor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_rejects_the_reserved_name_and_null_tensors()
    {
        Assert.Throws<ArgumentException>(() => WriteToBytes(new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Zeros(1) }));
        Assert.Throws<ArgumentException>(() => WriteToBytes(new Dictionary<string, Tensor> { ["x"] = null! }));
    }

    [Fact]
    public void Large_tensors_are_written_and_read_in_chunks()
    {
        // More than one 1 MB chunk on each side, with a non-F32 dtype path exercised by the fixtures.
        Tensor big = Init.Uniform(-1f, 1f, 700, 1000);
        var tensors = new Dictionary<string, Tensor> { ["big"] = big };
        Assert.Equal(big.Data, SafeTensors.Read(new MemoryStream(WriteToBytes(tensors))).Tensors["big"].Data);
    }

    internal static byte[] WriteToBytes(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    /// <summary>A read-only stream without Length or Seek, as a network or pipe stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7)); // short reads on purpose

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
