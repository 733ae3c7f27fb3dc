using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LayerGen;

/// <summary>
/// The element types LayerGen reads from safetensors files: the floating ones are converted to float32 on
/// load, <see cref="I64"/> is read as an int64 tensor.
/// </summary>
/// <remarks>
/// Writing is <see cref="F32"/> for a float32 tensor, LayerGen's own precision, and <see cref="I64"/> for an
/// int64 one. The format's other dtypes (other integers, booleans, 8-bit floats) are rejected with a
/// <see cref="SafeTensorsFormatException"/> naming the tensor.
/// </remarks>
public enum SafeTensorsDType
{
    /// <summary>IEEE 754 half precision (2 bytes); converted exactly.</summary>
    F16,

    /// <summary>bfloat16, the upper half of a float32 (2 bytes); converted exactly.</summary>
    BF16,

    /// <summary>IEEE 754 single precision (4 bytes); read as is.</summary>
    F32,

    /// <summary>IEEE 754 double precision (8 bytes); rounded to the nearest float.</summary>
    F64,

    /// <summary>64-bit signed integers (8 bytes), PyTorch's int64 (ids, class labels); read as an int64 tensor, as is.</summary>
    I64,
}

/// <summary>Names, sizes and decoding of <see cref="SafeTensorsDType"/>.</summary>
internal static class SafeTensorsDTypes
{
    /// <summary>Every dtype the safetensors format defines that LayerGen does not read, for the error message.</summary>
    private static readonly string[] KnownButUnsupported =
        ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "I32", "U32", "U64"];

    /// <summary>Parses a header's dtype; on failure <paramref name="problem"/> says why.</summary>
    public static bool TryParse(string name, out SafeTensorsDType dtype, out string problem)
    {
        problem = "";
        switch (name)
        {
            case "F16": dtype = SafeTensorsDType.F16; return true;
            case "BF16": dtype = SafeTensorsDType.BF16; return true;
            case "F32": dtype = SafeTensorsDType.F32; return true;
            case "F64": dtype = SafeTensorsDType.F64; return true;
            case "I64": dtype = SafeTensorsDType.I64; return true;
        }

        dtype = default;
        problem = Array.IndexOf(KnownButUnsupported, name) >= 0
            ? $"dtype \"{name}\" is not supported (expected F32, F16, BF16, F64 or I64)"
            : $"unknown dtype \"{name}\" (expected F32, F16, BF16, F64 or I64)";
        return false;
    }

    /// <summary>Bytes per element.</summary>
    public static int SizeOf(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.F32 => 4,
        SafeTensorsDType.F64 or SafeTensorsDType.I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Converts little-endian <paramref name="bytes"/> of <paramref name="dtype"/> into <paramref name="destination"/>.</summary>
    public static void Decode(SafeTensorsDType dtype, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        switch (dtype)
        {
            case SafeTensorsDType.F32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
                }
                else
                {
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                    }
                }

                break;
            case SafeTensorsDType.F64:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                }

                break;
            case SafeTensorsDType.F16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                }

                break;
            case SafeTensorsDType.BF16:
                // bfloat16 is the high 16 bits of a float32: widening is a shift, exact for every value.
                for (int i = 0; i < destination.Length; i++)
                {
                    int bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16;
                    destination[i] = BitConverter.Int32BitsToSingle(bits);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null);
        }
    }
}
