using System;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>Storage, shape, element access and the factories.</summary>
public sealed class TensorBasicsTests
{
    [Fact]
    public void Shape_rank_count_and_size()
    {
        var x = new Tensor(2, 3, 4);
        Assert.Equal([2, 3, 4], x.Shape.ToArray());
        Assert.Equal(3, x.Rank);
        Assert.Equal(24, x.Count);
        Assert.Equal(4, x.Size(-1));
        Assert.Equal(2, x.Size(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Size(3));
        Assert.All(x.Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_tensor_without_dimensions_is_a_scalar_with_one_element()
    {
        var x = new Tensor();
        Assert.Equal(0, x.Rank);
        Assert.Equal(1, x.Count);
        Assert.Equal(0f, x.Item());
    }

    [Fact]
    public void FromBuffer_wraps_without_copying_and_checks_the_length()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        Tensor x = Tensor.FromBuffer(data, 2, 3);
        Assert.Same(data, x.Data);
        data[4] = 50;
        Assert.Equal(50f, x[1, 1]);
        Assert.Throws<ArgumentException>(() => Tensor.FromBuffer(data, 4, 2));
    }

    [Fact]
    public void The_shape_argument_is_copied()
    {
        int[] shape = [2, 3];
        var x = new Tensor(shape);
        shape[0] = 7;
        Assert.Equal(2, x.Size(0));
    }

    [Fact]
    public void From_copies_its_input()
    {
        var values = new float[] { 1, 2, 3, 4 };
        Tensor flat = Tensor.From(values);
        Tensor shaped = Tensor.From(values, 2, 2);
        values[0] = 100;
        Assert.Equal([4], flat.Shape.ToArray());
        Assert.Equal([2, 2], shaped.Shape.ToArray());
        Assert.Equal(1f, flat[0]);
        Assert.Equal(1f, shaped[0, 0]);
        Assert.Throws<ArgumentException>(() => Tensor.From(values, 3, 2));
    }

    [Fact]
    public void From_a_two_dimensional_array_is_row_major()
    {
        var x = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([2, 3], x.Shape.ToArray());
        Assert.Equal([1f, 2, 3, 4, 5, 6], x.ToArray());
    }

    [Fact]
    public void Indexer_reads_and_writes_with_negative_indices()
    {
        Tensor x = Tensor.Arange(12).Reshape(3, 4);
        Assert.Equal(6f, x[1, 2]);
        Assert.Equal(11f, x[-1, -1]);
        x[-2, 0] = 42;
        Assert.Equal(42f, x.Data[4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => x[3, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => x[0, -5]);
        Assert.Throws<ArgumentException>(() => x[1]);
    }

    [Fact]
    public void Item_needs_exactly_one_element()
    {
        Assert.Equal(5f, Tensor.Full(5f, 1, 1).Item());
        var error = Assert.Throws<InvalidOperationException>(() => Tensor.Ones(2).Item());
        Assert.Equal("a Tensor with 2 elements cannot be converted to Scalar", error.Message);
    }

    [Fact]
    public void ToArray_is_a_copy()
    {
        Tensor x = Tensor.Ones(3);
        float[] copy = x.ToArray();
        copy[0] = 9;
        Assert.Equal(1f, x[0]);
    }

    [Fact]
    public void Zeros_ones_and_full()
    {
        Assert.All(Tensor.Zeros(2, 2).Data, v => Assert.Equal(0f, v));
        Assert.All(Tensor.Ones(2, 2).Data, v => Assert.Equal(1f, v));
        Tensor full = Tensor.Full(2.5f, 3, 1);
        Assert.Equal([3, 1], full.Shape.ToArray());
        Assert.All(full.Data, v => Assert.Equal(2.5f, v));
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(-1, 2));
    }

    [Fact]
    public void Arange_matches_pytorch_lengths()
    {
        Assert.Equal([0f, 1, 2, 3, 4], Tensor.Arange(5).ToArray());
        Assert.Equal([1f, 1.5f, 2, 2.5f], Tensor.Arange(1, 3, 0.5f).ToArray());
        Assert.Equal(10, Tensor.Arange(0, 1, 0.1f).Count); // no extra element from rounding
        Assert.Equal([3f, 2, 1], Tensor.Arange(3, 0, -1).ToArray());
        Assert.Equal(0, Tensor.Arange(0).Count);
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 1, 0));
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 1, -1));
    }

    [Fact]
    public void Detach_shares_storage_and_leaves_the_graph()
    {
        Tensor x = Tensor.Ones(2);
        x.RequiresGrad = true;
        Tensor y = x * 3f;
        Tensor d = y.Detach();
        Assert.Same(y.Data, d.Data);
        Assert.True(d.IsLeaf);
        Assert.False(d.RequiresGrad);
        Assert.Null(d.GradFn);
    }

    [Fact]
    public void Reshape_shares_storage_and_infers_one_dimension()
    {
        Tensor x = Tensor.Arange(6);
        Tensor y = x.Reshape(2, -1);
        Assert.Equal([2, 3], y.Shape.ToArray());
        Assert.Same(x.Data, y.Data);
        var error = Assert.Throws<ArgumentException>(() => x.Reshape(4, -1));
        Assert.StartsWith("shape '[4, -1]' is invalid for input of size 6", error.Message);
        Assert.Throws<ArgumentException>(() => x.Reshape(-1, -1));
        Assert.Throws<ArgumentException>(() => x.Reshape(5));
    }

    [Fact]
    public void Transpose_and_T_move_elements()
    {
        Tensor x = Tensor.Arange(6).Reshape(2, 3);
        Assert.Equal([0f, 3, 1, 4, 2, 5], x.T.ToArray());
        Assert.Equal([3, 2], x.T.Shape.ToArray());

        Tensor y = Tensor.Arange(24).Reshape(2, 3, 4).Transpose(0, -1);
        Assert.Equal([4, 3, 2], y.Shape.ToArray());
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int k = 0; k < 4; k++)
                {
                    Assert.Equal(i * 12 + j * 4 + k, y[k, j, i]);
                }
            }
        }

        Tensor v = Tensor.Arange(3);
        Assert.Same(v, v.T); // rank 1: unchanged, as in PyTorch
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 2, 2).T);
    }

    [Fact]
    public void MatMul_shapes_follow_pytorch()
    {
        Assert.Equal([2, 4], Tensor.Ones(2, 3).MatMul(Tensor.Ones(3, 4)).Shape.ToArray());
        Assert.Equal([5, 2, 4], Tensor.Ones(5, 2, 3).MatMul(Tensor.Ones(3, 4)).Shape.ToArray());
        Assert.Equal([2], Tensor.Ones(2, 3).MatMul(Tensor.Ones(3)).Shape.ToArray());
        Assert.Equal([4], Tensor.Ones(3).MatMul(Tensor.Ones(3, 4)).Shape.ToArray());
        Assert.Equal(0, Tensor.Ones(3).MatMul(Tensor.Ones(3)).Rank);

        Tensor product = Ops.MatMul(Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } }), Tensor.From(new float[,] { { 5, 6 }, { 7, 8 } }));
        Assert.Equal([19f, 22, 43, 50], product.ToArray());

        var error = Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 5).MatMul(Tensor.Ones(4, 3)));
        Assert.Equal("mat1 and mat2 shapes cannot be multiplied (2x5 and 4x3)", error.Message);
    }

    [Fact]
    public void Reductions_over_all_elements_and_one_axis()
    {
        Tensor x = Tensor.Arange(6).Reshape(2, 3);
        Assert.Equal(15f, x.Sum().Item());
        Assert.Equal(0, x.Sum().Rank);
        Assert.Equal(2.5f, x.Mean().Item());
        Assert.Equal([3f, 5, 7], x.Sum(0).ToArray());
        Assert.Equal([3f, 12], x.Sum(-1).ToArray());
        Assert.Equal([2, 1], x.Sum(1, keepDim: true).Shape.ToArray());
        Assert.Equal([1f, 4], x.Mean(1).ToArray());
        Assert.Equal([1, 3], x.Mean(0, keepDim: true).Shape.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Sum(2));
    }
}
