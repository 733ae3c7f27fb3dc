using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace LayerGen;

/// <summary>
/// Reads a safetensors stream: the 8-byte little-endian header length, the header (validated whole by
/// <see cref="SafeTensorsHeader"/> before any data is read), then each tensor's bytes in offset order,
/// converted to float (I64: read as int64).
/// </summary>
internal static class SafeTensorsReader
{
    /// <exception cref="SafeTensorsFormatException">The stream is not a valid safetensors file.</exception>
    public static SafeTensorsFile Read(Stream stream, string? source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long? available = stream.CanSeek ? stream.Length - stream.Position : null;

        Span<byte> prefix = stackalloc byte[8];
        int got = ReadUpTo(stream, prefix);
        if (got < 8)
        {
            throw new SafeTensorsFormatException(source, null,
                $"truncated: {got} bytes, fewer than the 8 bytes of the header length");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > SafeTensorsHeader.MaxLength)
        {
            throw new SafeTensorsFormatException(source, null,
                $"the header length field says {headerLength} bytes, more than the {SafeTensorsHeader.MaxLength}-byte (100 MB) limit");
        }

        long? bufferLength = null;
        if (available is long total)
        {
            if ((long)headerLength > total - 8)
            {
                throw new SafeTensorsFormatException(source, null,
                    $"the header length field says {headerLength} bytes but only {total - 8} bytes follow it (is the file truncated?)");
            }

            bufferLength = total - 8 - (long)headerLength;
        }

        var header = new byte[headerLength];
        got = ReadUpTo(stream, header);
        if (got < header.Length)
        {
            throw new SafeTensorsFormatException(source, null,
                $"the header length field says {headerLength} bytes but only {got} bytes follow it (is the file truncated?)");
        }

        (List<SafeTensorsEntry> entries, Dictionary<string, string> metadata) = SafeTensorsHeader.Parse(header, bufferLength, source);

        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        var dtypes = new OrderedDictionary<string, SafeTensorsDType>(StringComparer.Ordinal);
        byte[] scratch = [];
        foreach (SafeTensorsEntry entry in entries)
        {
            if (entry.DType == SafeTensorsDType.I64)
            {
                var ids = new long[entry.Count];
                ReadIds(stream, entry, ids, source);
                tensors.Add(entry.Name, Tensor.WrapLong(ids, entry.Shape));
            }
            else
            {
                var data = new float[entry.Count];
                ReadData(stream, entry, data, ref scratch, source);
                tensors.Add(entry.Name, Tensor.Wrap(data, entry.Shape));
            }


            dtypes.Add(entry.Name, entry.DType);
        }

        if (bufferLength is null && ReadUpTo(stream, stackalloc byte[1]) > 0)
        {
            // A stream of unknown length: the coverage check happens here, after the last tensor.
            throw new SafeTensorsFormatException(source, null, "bytes follow the last tensor's data that belong to no tensor");
        }

        return new SafeTensorsFile(tensors, dtypes, metadata);
    }

    /// <summary>
    /// Reads one tensor's bytes into <paramref name="data"/>, a chunk at a time so that no span exceeds
    /// an int's range (a tensor's bytes may: 2^31 floats of F64). F32 on a little-endian machine is read
    /// straight into the tensor's storage; other dtypes go through <paramref name="scratch"/>.
    /// </summary>
    private static void ReadData(Stream stream, SafeTensorsEntry entry, float[] data, ref byte[] scratch, string? source)
    {
        const int ChunkBytes = 1 << 20;
        int size = SafeTensorsDTypes.SizeOf(entry.DType);
        bool direct = entry.DType == SafeTensorsDType.F32 && BitConverter.IsLittleEndian;
        int chunk = ChunkBytes / size;
        for (int start = 0; start < data.Length; start += chunk)
        {
            Span<float> destination = data.AsSpan(start, Math.Min(chunk, data.Length - start));
            Span<byte> bytes;
            if (direct)
            {
                bytes = MemoryMarshal.AsBytes(destination);
            }
            else
            {
                if (scratch.Length < destination.Length * size)
                {
                    scratch = new byte[ChunkBytes];
                }

                bytes = scratch.AsSpan(0, destination.Length * size);
            }

            int got = ReadUpTo(stream, bytes);
            if (got < bytes.Length)
            {
                long end = entry.Begin + (long)start * size + got;
                throw new SafeTensorsFormatException(source, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] run past the end of the data, which stops at byte {end} (is the file truncated?)");
            }

            if (!direct)
            {
                SafeTensorsDTypes.Decode(entry.DType, bytes, destination);
            }
        }
    }

    /// <summary>Reads one I64 tensor's bytes into <paramref name="data"/>, a chunk at a time, little-endian.</summary>
    private static void ReadIds(Stream stream, SafeTensorsEntry entry, long[] data, string? source)
    {
        const int ChunkLongs = 1 << 17;
        for (int start = 0; start < data.Length; start += ChunkLongs)
        {
            Span<long> destination = data.AsSpan(start, Math.Min(ChunkLongs, data.Length - start));
            Span<byte> bytes = MemoryMarshal.AsBytes(destination);
            int got = ReadUpTo(stream, bytes);
            if (got < bytes.Length)
            {
                long end = entry.Begin + (8L * start) + got;
                throw new SafeTensorsFormatException(source, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] run past the end of the data, which stops at byte {end} (is the file truncated?)");
            }

            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(destination, destination);
            }
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
