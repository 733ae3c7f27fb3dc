using System;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// The int64 dtype: factories, printing (character for character as PyTorch 1.13 prints, the strings taken
/// from a torch session), conversions (.float(), .long()), the structural ops ids need, and the errors that
/// name the dtype when a float-only member meets ids or the reverse.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class Int64TensorTests
{
    [Fact]
    public void Factories_make_int64_tensors_of_the_given_shape()
    {
        Tensor ids = Tensor.FromIds(1, 2, 3);
        Assert.Equal(DType.Int64, ids.DType);
        Assert.Equal([3], ids.Shape.ToArray());
        Assert.Equal([1L, 2, 3], ids.LongData);

        Tensor shaped = Tensor.FromIds([0, 2, 1, 1, 5, 4], 2, 3);
        Assert.Equal([2, 3], shaped.Shape.ToArray());
        Assert.Equal(6, shaped.Count);
        Assert.Equal(2, shaped.Rank);

        Assert.Equal([0L, 0, 0, 0], Tensor.Zeros(DType.Int64, 2, 2).LongData);
        Assert.Equal([1L, 1, 1], Tensor.Ones(DType.Int64, 3).LongData);
        Assert.Equal([0L, 1, 2, 3, 4], Tensor.Arange(DType.Int64, 5).LongData);
        Assert.Equal(DType.Float32, Tensor.Zeros(DType.Float32, 2).DType);
        Assert.Equal(DType.Float32, Tensor.Zeros(0, 3).DType); // a literal 0 is still a size, not a dtype
        Assert.Equal(DType.Float32, Tensor.Arange(5).DType);   // unchanged: LayerGen's Arange(int) stays float32

        var e = Assert.Throws<ArgumentException>(() => Tensor.FromIds([1, 2, 3], 2, 2));
        Assert.Contains("3 ids cannot be viewed as shape [2, 2] (4 elements)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromIds_copies_its_array()
    {
        long[] source = [4, 5];
        Tensor ids = Tensor.FromIds(source);
        source[0] = 9;
        Assert.Equal(4, ids.LongData[0]);
    }

    [Fact]
    public void RandInt_draws_every_value_in_range_reproducibly()
    {
        Tensor.ManualSeed(7);
        Tensor a = Tensor.RandInt(5, 2000);
        Tensor.ManualSeed(7);
        Tensor b = Tensor.RandInt(5, 2000);

        Assert.Equal(a.LongData, b.LongData);
        var counts = new int[5];
        foreach (long id in a.LongData)
        {
            Assert.InRange(id, 0, 4);
            counts[id]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 300, 500)); // 400 expected each; far outside is a biased draw
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.RandInt(0, 3));
    }

    [Theory]
    [InlineData("tensor([1, 2, 3])", new long[] { 1, 2, 3 }, new[] { 3 })]
    [InlineData("tensor([[  1, -20,   3],\n        [  4,   5,   6]])", new long[] { 1, -20, 3, 4, 5, 6 }, new[] { 2, 3 })]
    [InlineData("tensor(7)", new long[] { 7 }, new int[0])]
    [InlineData("tensor([], dtype=torch.int64)", new long[0], new[] { 0 })]
    [InlineData("tensor([], size=(2, 0), dtype=torch.int64)", new long[0], new[] { 2, 0 })]
    public void Prints_as_torch_prints_int64(string torch, long[] ids, int[] shape)
    {
        Assert.Equal(torch, Tensor.FromIds(ids, shape).ToString());
    }

    [Fact]
    public void Prints_long_and_wide_int64_tensors_as_torch()
    {
        // torch.arange(2000) and torch.arange(40).reshape(2, 20) * 1000000
        Assert.Equal("tensor([   0,    1,    2,  ..., 1997, 1998, 1999])", Tensor.Arange(DType.Int64, 2000).ToString());
        long[] wide = new long[40];
        for (int i = 0; i < wide.Length; i++)
        {
            wide[i] = i * 1000000L;
        }

        Assert.Equal(
            "tensor([[       0,  1000000,  2000000,  3000000,  4000000,  5000000,  6000000,\n" +
            "          7000000,  8000000,  9000000, 10000000, 11000000, 12000000, 13000000,\n" +
            "         14000000, 15000000, 16000000, 17000000, 18000000, 19000000],\n" +
            "        [20000000, 21000000, 22000000, 23000000, 24000000, 25000000, 26000000,\n" +
            "         27000000, 28000000, 29000000, 30000000, 31000000, 32000000, 33000000,\n" +
            "         34000000, 35000000, 36000000, 37000000, 38000000, 39000000]])",
            Tensor.FromIds(wide, 2, 20).ToString());
    }

    [Fact]
    public void Converts_as_float_and_long_do()
    {
        Tensor ids = Tensor.FromIds(1, -2, 3);
        Tensor floats = ids.ToFloat();
        Assert.Equal(DType.Float32, floats.DType);
        Assert.Equal([1f, -2, 3], floats.Data);
        Assert.Equal("tensor([ 1., -2.,  3.])", floats.ToString());
        Assert.False(floats.RequiresGrad);

        Tensor values = Tensor.From(1.7f, -1.7f, 2f, float.NaN);
        values.RequiresGrad = true;
        Tensor truncated = values.ToLong();
        Assert.Equal([1L, -1, 2, 0], truncated.LongData); // towards zero, as torch; NaN is 0 here (torch: undefined)
        Assert.False(truncated.RequiresGrad);

        Assert.Same(ids, ids.ToLong());   // already int64: itself, as torch's .long()
        Assert.Same(floats, floats.ToFloat());
    }

    [Fact]
    public void Item_and_arrays_by_dtype()
    {
        Assert.Equal(42L, Tensor.FromIds(42).LongItem());
        long[] copy = Tensor.FromIds(1, 2).ToLongArray();
        Assert.Equal([1L, 2], copy);

        var many = Assert.Throws<InvalidOperationException>(() => Tensor.FromIds(1, 2).LongItem());
        Assert.Contains("a Tensor with 2 elements cannot be converted to Scalar", many.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float_only_members_name_the_int64_dtype()
    {
        Tensor ids = Tensor.FromIds(1, 2, 3);
        foreach (Action use in new Action[] { () => _ = ids.Data, () => ids.Item(), () => ids.ToArray(), () => _ = ids[0], () => _ = ids + ids, () => Ops.Relu(ids) })
        {
            var e = Assert.Throws<InvalidOperationException>(use);
            Assert.Contains("needs a float32 tensor, but this one has dtype int64", e.Message, StringComparison.Ordinal);
            Assert.Contains("ToFloat()", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Int64_only_members_name_the_float32_dtype()
    {
        Tensor values = Tensor.From(1f, 2);
        foreach (Action use in new Action[] { () => _ = values.LongData, () => values.LongItem(), () => values.ToLongArray() })
        {
            var e = Assert.Throws<InvalidOperationException>(use);
            Assert.Contains("needs an int64 tensor, but this one has dtype float32", e.Message, StringComparison.Ordinal);
            Assert.Contains("ToLong()", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Int64_tensors_never_require_grad()
    {
        Tensor ids = Tensor.FromIds(0, 1);
        var e = Assert.Throws<InvalidOperationException>(() => ids.RequiresGrad = true);
        Assert.StartsWith("only Tensors of floating point dtype can require gradients", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => ids.AsParameter());
        Assert.False(ids.RequiresGrad);
        ids.RequiresGrad = false; // allowed, as in torch
    }

    [Fact]
    public void Structural_ops_move_ids_and_share_storage_where_torch_views()
    {
        Tensor ids = Tensor.FromIds([0, 1, 2, 3, 4, 5], 2, 3);

        Tensor reshaped = ids.Reshape(3, -1);
        Assert.Equal(DType.Int64, reshaped.DType);
        Assert.Equal([3, 2], reshaped.Shape.ToArray());
        Assert.Same(ids.LongData, reshaped.LongData); // a view, as torch's
        Assert.Same(ids.LongData, ids.View(6).LongData);
        Assert.Same(ids.LongData, ids.Detach().LongData);

        Assert.Equal([0L, 3, 1, 4, 2, 5], ids.Transpose(0, 1).LongData);
        Assert.Equal([0L, 3, 1, 4, 2, 5], ids.T.LongData);
        Assert.Equal([0L, 3, 1, 4, 2, 5], ids.Permute(1, 0).LongData);
        Assert.Equal([1L, 2, 4, 5], ids.Narrow(1, 1, 2).LongData);
        Assert.Equal([3L, 4, 5], ids.Slice(0, 1, 5).LongData);
        Assert.Equal([0L, 1, 2, 3, 4, 5, 9, 9, 9], Ops.Concat(0, ids, Tensor.FromIds([9, 9, 9], 1, 3)).LongData);
        Tensor stacked = Ops.Stack(0, Tensor.FromIds(1, 2), Tensor.FromIds(3, 4));
        Assert.Equal([2, 2], stacked.Shape.ToArray());
        Assert.Equal([1L, 2, 3, 4], stacked.LongData);
    }

    [Fact]
    public void Concat_refuses_to_mix_dtypes()
    {
        var e = Assert.Throws<ArgumentException>(() => Ops.Concat(0, Tensor.FromIds(1, 2), Tensor.From(3f)));
        Assert.Contains("Cat: tensor 1 has dtype float32 but tensor 0 has int64", e.Message, StringComparison.Ordinal);
    }
}
