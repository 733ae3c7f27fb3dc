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
/// <remarks>
/// Successive buffers start at different offsets within a 4 KiB page (0, 320, 640, ... bytes), the same
/// in every run: without this, two buffers whose starts happened to share their page offset (for example
/// two [256, 64] activations, 64 KiB each) made a kernel that reads one while writing the other run up
/// to 1.7× slower in some processes and not in others (4K aliasing of loads and stores).
/// </remarks>
public sealed class Buf
{
    private const int PageFloats = 4096 / sizeof(float);
    private static int s_count;
    private readonly float[] _array;
    private readonly int _offset;

    public Buf(int length)
    {
        Length = length;
        _array = GC.AllocateArray<float>(length + 32 + 2 * PageFloats, pinned: true);
        int stagger = (System.Threading.Interlocked.Increment(ref s_count) * 80) % PageFloats; // 320 bytes per buffer
        unsafe
        {
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
            _offset = (int)(((4096 - (address & 4095)) & 4095) / sizeof(float)) + stagger;
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
