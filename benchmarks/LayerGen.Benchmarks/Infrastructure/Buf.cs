using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// A float buffer whose first element is 64-byte aligned (one cache line, one Vector512), on the pinned
/// object heap so it never moves, with 16 spare zero floats after <see cref="Length"/> so a vector
/// load of the last partial vector stays inside the allocation. The hand-written kernels own their
/// layouts and use these; LayerGen gets the same input and target data through <see cref="Span"/>.
/// </summary>
public sealed class Buf
{
    private readonly float[] _array;
    private readonly int _offset;

    public Buf(int length)
    {
        Length = length;
        _array = GC.AllocateArray<float>(length + 32, pinned: true);
        unsafe
        {
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
            _offset = (int)(((64 - (address & 63)) & 63) / sizeof(float));
        }
    }

    public Buf(ReadOnlySpan<float> values)
        : this(values.Length) => values.CopyTo(Span);

    public int Length { get; }

    /// <summary>The first element, for <c>Vector512.LoadUnsafe(ref ..., offset)</c>.</summary>
    public ref float Ref => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _offset);

    public Span<float> Span => _array.AsSpan(_offset, Length);

    public float this[int index]
    {
        get => Span[index];
        set => Span[index] = value;
    }

    public float[] ToArray() => Span.ToArray();
}
