using System;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The loop the optimisers and <see cref="Tensor.ZeroGrad"/> share (<see cref="ElementwiseUpdate"/>): it
/// visits exactly the elements it is given, for every length around the vector widths (16, 8, 4 lanes)
/// and every start within a 64-byte line (from 64 elements on, the loop first aligns its stores).
/// </summary>
public sealed class ElementwiseUpdateTests
{
    [Fact]
    public void Clear_zeroes_exactly_the_span_it_is_given()
    {
        for (int length = 0; length <= 150; length++)
        {
            for (int offset = 0; offset < 18; offset++)
            {
                // -0 and NaN inside: the result must be +0 (all bits clear), not merely equal to zero.
                var buffer = new float[200];
                for (int i = 0; i < buffer.Length; i++)
                {
                    buffer[i] = i % 3 == 0 ? -0f : i % 3 == 1 ? float.NaN : i + 1;
                }

                float[] before = (float[])buffer.Clone();
                ElementwiseUpdate.Clear(buffer.AsSpan(offset, length));
                for (int i = 0; i < buffer.Length; i++)
                {
                    bool inside = i >= offset && i < offset + length;
                    int expected = inside ? 0 : BitConverter.SingleToInt32Bits(before[i]);
                    Assert.True(
                        expected == BitConverter.SingleToInt32Bits(buffer[i]),
                        $"length {length}, offset {offset}: element {i} is {buffer[i]} ({(inside ? "inside" : "outside")} the span)");
                }
            }
        }
    }

    [Fact]
    public void ZeroGrad_clears_every_element_of_a_gradient_of_any_length()
    {
        for (int length = 1; length <= 40; length++)
        {
            Tensor p = Tensor.Zeros(length).AsParameter();
            p.Grad = Tensor.Full(-3.5f, length);
            p.ZeroGrad();
            Assert.All(p.Grad.Data, v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v)));
        }
    }
}
