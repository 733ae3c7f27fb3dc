using System;
using CsCheck;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>NumPy broadcasting in the elementwise operators, forward and backward.</summary>
public sealed class BroadcastingTests
{
    [Fact]
    public void A_row_vector_broadcasts_over_rows_and_a_column_over_columns()
    {
        Tensor m = Tensor.Arange(6).Reshape(2, 3);
        Assert.Equal([10f, 21, 32, 13, 24, 35], (m + Tensor.From(10f, 20, 30)).ToArray());
        Assert.Equal([0f, 1, 2, 30, 40, 50], (m * Tensor.From(new float[] { 1, 10 }, 2, 1)).ToArray());
    }

    [Fact]
    public void Both_operands_can_stretch()
    {
        Tensor column = Tensor.From(new float[] { 1, 2 }, 2, 1);
        Tensor row = Tensor.From(new float[] { 10, 20, 30 }, 1, 3);
        Tensor sum = column + row;
        Assert.Equal([2, 3], sum.Shape.ToArray());
        Assert.Equal([11f, 21, 31, 12, 22, 32], sum.ToArray());
    }

    [Fact]
    public void Float_operands_broadcast_on_either_side()
    {
        Tensor x = Tensor.From(1f, 2, 4);
        Assert.Equal([3f, 4, 6], (x + 2f).ToArray());
        Assert.Equal([3f, 4, 6], (2f + x).ToArray());
        Assert.Equal([-1f, 0, 2], (x - 2f).ToArray());
        Assert.Equal([1f, 0, -2], (2f - x).ToArray());
        Assert.Equal([2f, 4, 8], (x * 2f).ToArray());
        Assert.Equal([2f, 4, 8], (2f * x).ToArray());
        Assert.Equal([0.5f, 1, 2], (x / 2f).ToArray());
        Assert.Equal([4f, 2, 1], (4f / x).ToArray());
        Assert.Equal([-1f, -2, -4], (-x).ToArray());
    }

    [Fact]
    public void Incompatible_shapes_fail_with_pytorchs_message()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 3) + Tensor.Ones(4));
        Assert.Equal("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1", error.Message);
    }

    [Fact]
    public void Scalars_and_zero_size_dimensions()
    {
        Assert.Equal(0, (Tensor.Full(2f) * Tensor.Full(3f)).Rank);
        Assert.Equal([0, 3], (Tensor.Zeros(0, 3) + Tensor.Ones(3)).Shape.ToArray());
        Assert.Equal([2, 0], (Tensor.Zeros(2, 1) + Tensor.Zeros(0)).Shape.ToArray());
    }

    // Random compatible shape pairs: an output shape of rank 0-4, and for each operand a suffix of
    // it with some dimensions replaced by 1.
    private static readonly Gen<(int[] A, int[] B)> ShapePairs =
        Gen.Int[1, 3].Array[0, 4].SelectMany(output =>
            Gen.Select(Operand(output), Operand(output), (a, b) => (a, b)));

    private static Gen<int[]> Operand(int[] output) =>
        Gen.Select(Gen.Int[0, output.Length], Gen.Bool.Array[output.Length], (drop, ones) =>
        {
            var shape = new int[output.Length - drop];
            for (int d = 0; d < shape.Length; d++)
            {
                shape[d] = ones[d + drop] ? 1 : output[d + drop];
            }

            return shape;
        });

    [Fact]
    public void Forward_matches_indexing_by_the_broadcast_rules() =>
        ShapePairs.Sample(pair =>
        {
            Tensor a = Numbered(pair.A, 1), b = Numbered(pair.B, 1000);
            Tensor sum = a + b;
            int rank = sum.Rank;
            var index = new int[rank];
            for (int flat = 0; flat < sum.Count; flat++)
            {
                Unravel(flat, sum.Shape, index);
                float expected = a[Project(index, pair.A)] + b[Project(index, pair.B)];
                Assert.Equal(expected, sum.Data[flat]);
            }
        }, iter: 200);

    [Fact]
    public void Backward_sums_the_gradient_over_broadcast_dimensions() =>
        ShapePairs.Sample(pair =>
        {
            Tensor a = Tensor.Ones(pair.A), b = Tensor.Ones(pair.B);
            a.RequiresGrad = true;
            b.RequiresGrad = true;
            Tensor product = a * b;
            product.Sum().Backward();

            // Each element of a feeds (output count / a's count) outputs, each with gradient b = 1.
            Assert.All(a.Grad!.Data, g => Assert.Equal((float)product.Count / a.Count, g));
            Assert.All(b.Grad!.Data, g => Assert.Equal((float)product.Count / b.Count, g));
        }, iter: 200);

    // 1, 2, 3, ... (plus an offset) so that every element is distinguishable.
    private static Tensor Numbered(int[] shape, float offset)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Count; i++)
        {
            t.Data[i] = offset + i;
        }

        return t;
    }

    private static void Unravel(int flat, ReadOnlySpan<int> shape, int[] index)
    {
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
    }

    // The operand's index for an output index: align at the end, pin broadcast dimensions to 0.
    private static int[] Project(int[] outputIndex, int[] operandShape)
    {
        int offset = outputIndex.Length - operandShape.Length;
        var index = new int[operandShape.Length];
        for (int d = 0; d < index.Length; d++)
        {
            index[d] = operandShape[d] == 1 ? 0 : outputIndex[d + offset];
        }

        return index;
    }
}
