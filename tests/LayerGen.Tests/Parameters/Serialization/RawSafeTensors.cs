using System;
using System.Buffers.Binary;
using System.Text;

namespace LayerGen.Tests.Parameters.Serialization;

/// <summary>Builds safetensors bytes by hand (any header text, any data), to write files the writer never would.</summary>
internal static class RawSafeTensors
{
    /// <summary>8-byte length + <paramref name="header"/> (UTF-8) + <paramref name="data"/>; the length field may be overridden.</summary>
    public static byte[] Bytes(string header, byte[] data, ulong? headerLength = null) =>
        Bytes(Encoding.UTF8.GetBytes(header), data, headerLength);

    public static byte[] Bytes(byte[] header, byte[] data, ulong? headerLength = null)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>Little-endian float32 bytes.</summary>
    public static byte[] F32(params float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }

        return bytes;
    }

    /// <summary>Little-endian float16 bytes.</summary>
    public static byte[] F16(params float[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)values[i]);
        }

        return bytes;
    }

    /// <summary>The float32 value nearest to <paramref name="value"/> that bfloat16 can hold (round to nearest, ties to even).</summary>
    public static float RoundToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
        return BitConverter.UInt32BitsToSingle(rounded);
    }
}
