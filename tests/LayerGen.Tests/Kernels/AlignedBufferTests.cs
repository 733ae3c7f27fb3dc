using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LayerGen.Kernels;
using Xunit;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// The workspaces a Trainer and a Sequential hand to the kernels start on a 64-byte boundary, hold the
/// length asked for, start zeroed, and stay where they are (pinned) across garbage collections.
/// </summary>
public sealed class AlignedBufferTests
{
    // The address of the span's first element (its distance from null), without unsafe code.
    private static nint Address(Span<float> span) => Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref MemoryMarshal.GetReference(span));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(1000)]
    public void Starts_on_a_cache_line_with_the_length_asked_for(int length)
    {
        // Several in a row, so that the allocator's own offsets vary.
        for (int i = 0; i < 8; i++)
        {
            var buffer = new AlignedBuffer(length);
            Span<float> span = buffer.Span(length);
            Assert.Equal(length, buffer.Length);
            Assert.Equal(length, span.Length);
            if (length > 0)
            {
                Assert.Equal(0, Address(span) & 63);
                Assert.All(span.ToArray(), v => Assert.Equal(0f, v));
                if (length > 3)
                {
                    Assert.Equal(Address(span) + (3 * sizeof(float)), Address(buffer.Span(3, 1)));
                }
            }
        }
    }

    [Fact]
    public void Stays_in_place_across_a_collection()
    {
        var buffer = new AlignedBuffer(64);
        nint before = Address(buffer.Span(64));
        buffer.Span(64)[5] = 42f;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Assert.Equal(before, Address(buffer.Span(64)));
        Assert.Equal(42f, buffer.Span(64)[5]);
    }
}
