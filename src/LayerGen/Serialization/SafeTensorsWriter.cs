using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LayerGen;

/// <summary>
/// Writes tensors as safetensors F32 (float32 tensors) and I64 (int64 tensors), laid out as the reference (Rust) implementation lays them out:
/// tensors sorted by name (byte-wise on UTF-8) with consecutive offsets in that order, <c>__metadata__</c>
/// first in the header, the header padded with spaces to a multiple of 8 bytes so that the data starts
/// 8-byte aligned. For the same tensors and no metadata the bytes equal the Rust crate's.
/// </summary>
internal static class SafeTensorsWriter
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Escape only what JSON requires (quotes, backslashes, control characters), as serde_json does,
        // rather than the HTML-safe default that would turn '+' into \u002B.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <exception cref="ArgumentException">A tensor is null or named <c>__metadata__</c>.</exception>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var sorted = new List<KeyValuePair<string, Tensor>>();
        foreach (KeyValuePair<string, Tensor> entry in tensors)
        {
            ArgumentNullException.ThrowIfNull(entry.Key, nameof(tensors));
            if (entry.Value is null)
            {
                throw new ArgumentException($"tensor '{entry.Key}' is null", nameof(tensors));
            }

            if (entry.Key == SafeTensorsHeader.MetadataKey)
            {
                throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved for the metadata and cannot name a tensor", nameof(tensors));
            }

            sorted.Add(entry);
        }

        sorted.Sort(static (x, y) => CompareUtf8(x.Key, y.Key));
        for (int i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Key == sorted[i - 1].Key)
            {
                throw new ArgumentException($"tensor '{sorted[i].Key}' is given twice", nameof(tensors));
            }
        }

        byte[] header = Header(sorted, metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (KeyValuePair<string, Tensor> entry in sorted)
        {
            if (entry.Value.DType == DType.Int64)
            {
                WriteIds(stream, entry.Value.LongData);
            }
            else
            {
                WriteData(stream, entry.Value.Data);
            }
        }
    }

    /// <summary>The header bytes, padded with spaces to a multiple of 8.</summary>
    private static byte[] Header(List<KeyValuePair<string, Tensor>> sorted, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                var keys = new List<string>(metadata.Keys);
                keys.Sort(CompareUtf8); // the Rust crate's HashMap order is arbitrary; ours is stable
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (string key in keys)
                {
                    json.WriteString(key, metadata[key] ?? throw new ArgumentException($"metadata '{key}' is null", nameof(metadata)));
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (KeyValuePair<string, Tensor> entry in sorted)
            {
                bool ids = entry.Value.DType == DType.Int64;
                long end = offset + ((ids ? 8L : 4L) * entry.Value.Count);
                json.WriteStartObject(entry.Key);
                json.WriteString("dtype", ids ? "I64" : "F32");
                json.WriteStartArray("shape");
                foreach (int size in entry.Value.Shape)
                {
                    json.WriteNumberValue(size);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        int padding = (8 - buffer.WrittenCount % 8) % 8;
        buffer.GetSpan(padding)[..padding].Fill((byte)' ');
        buffer.Advance(padding);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteData(Stream stream, float[] data)
    {
        const int ChunkFloats = 1 << 18; // 1 MB per write: no span beyond an int's range
        byte[]? scratch = BitConverter.IsLittleEndian ? null : new byte[4 * Math.Min(ChunkFloats, data.Length)];
        for (int start = 0; start < data.Length; start += ChunkFloats)
        {
            ReadOnlySpan<float> chunk = data.AsSpan(start, Math.Min(ChunkFloats, data.Length - start));
            if (scratch is null)
            {
                stream.Write(MemoryMarshal.AsBytes(chunk));
            }
            else
            {
                for (int i = 0; i < chunk.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(scratch.AsSpan(4 * i), chunk[i]);
                }

                stream.Write(scratch, 0, 4 * chunk.Length);
            }
        }
    }

    private static void WriteIds(Stream stream, long[] data)
    {
        const int ChunkLongs = 1 << 17; // 1 MB per write
        byte[]? scratch = BitConverter.IsLittleEndian ? null : new byte[8 * Math.Min(ChunkLongs, data.Length)];
        for (int start = 0; start < data.Length; start += ChunkLongs)
        {
            ReadOnlySpan<long> chunk = data.AsSpan(start, Math.Min(ChunkLongs, data.Length - start));
            if (scratch is null)
            {
                stream.Write(MemoryMarshal.AsBytes(chunk));
            }
            else
            {
                for (int i = 0; i < chunk.Length; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(scratch.AsSpan(8 * i), chunk[i]);
                }

                stream.Write(scratch, 0, 8 * chunk.Length);
            }
        }
    }

    /// <summary>Orders strings as Rust orders them: byte-wise on their UTF-8 encoding.</summary>
    private static int CompareUtf8(string x, string y)
    {
        // UTF-16 ordinal order equals UTF-8 byte order except between surrogate pairs and U+E000..U+FFFF.
        return Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));
    }
}
