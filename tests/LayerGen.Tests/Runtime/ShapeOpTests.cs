using System;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>View, Permute, Narrow, Slice, Concat and Stack: values, shapes, index conventions and errors.</summary>
public sealed class ShapeOpTests
{
    private static Tensor Range(params int[] shape) => Tensor.Arange(Tensor.Zeros(shape).Count).Reshape(shape);

    [Fact]
    public void View_is_reshape()
    {
        Tensor x = Range(2, 6);
        Tensor v = x.View(3, -1);
        Assert.Equal([3, 4], v.Shape.ToArray());
        Assert.Same(x.Data, v.Data); // shares storage, as Reshape does
        Assert.Throws<ArgumentException>(() => x.View(5, -1));
    }

    [Fact]
    public void Permute_reorders_dimensions_and_agrees_with_transpose()
    {
        Tensor x = Range(2, 3, 4);
        Tensor p = x.Permute(2, 0, 1);
        Assert.Equal([4, 2, 3], p.Shape.ToArray());
        Assert.Equal(x[1, 2, 3], p[3, 1, 2]);
        Assert.Equal(x.Transpose(0, 2).Data, x.Permute(2, 1, 0).Data);
        Assert.Equal(x.Transpose(-1, -2).Data, x.Permute(0, -1, -2).Data);
        Assert.Equal("PermuteBackward0", x.AsParameter().Permute(1, 0, 2).GradFn!.Name);

        Assert.Contains("input.dim() = 3 is not equal to len(dims) = 2", Assert.Throws<ArgumentException>(() => x.Permute(1, 0)).Message);
        Assert.Contains("duplicate dims", Assert.Throws<ArgumentException>(() => x.Permute(0, 1, -3)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Permute(0, 1, 3));
    }

    [Fact]
    public void Narrow_is_strict_and_counts_a_negative_start_from_the_end()
    {
        Tensor x = Range(3, 5);
        Assert.Equal([1f, 2f, 3f, 6f, 7f, 8f, 11f, 12f, 13f], x.Narrow(1, 1, 3).Data);
        Assert.Equal([10f, 11f, 12f, 13f, 14f], x.Narrow(0, -1, 1).Data);
        Assert.Equal([3, 0], x.Narrow(-1, 5, 0).Shape.ToArray());
        Assert.Equal("SliceBackward0", x.AsParameter().Narrow(0, 0, 1).GradFn!.Name);

        Assert.Contains("start (3) + length (3) exceeds dimension size (5)",
            Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 3, 3)).Message);
        Assert.Contains("expected to be in range of [-3, 3], but got 4",
            Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(0, 4, 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(0, 0, -1));
    }

    [Fact]
    public void Slice_follows_python_slicing()
    {
        Tensor x = Range(2, 5);
        Assert.Equal([1f, 2f, 6f, 7f], x.Slice(1, 1, 3).Data);          // x[:, 1:3]
        Assert.Equal([1f, 2f, 3f, 6f, 7f, 8f], x.Slice(-1, 1, -1).Data); // x[:, 1:-1]
        Assert.Equal([5f, 6f, 7f, 8f, 9f], x.Slice(0, -1, 2).Data);      // x[-1:2]
        Assert.Equal(x.Data, x.Slice(1, -100, 100).Data);                 // out-of-range bounds clamp
        Assert.Equal([2, 0], x.Slice(1, 3, 1).Shape.ToArray());           // end <= start: empty
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(2, 0, 1));
    }

    [Fact]
    public void Concat_joins_along_an_existing_axis()
    {
        Tensor a = Range(2, 2), b = Range(2, 1) + 10f;
        Tensor c = Ops.Concat(1, a, b);
        Assert.Equal([2, 3], c.Shape.ToArray());
        Assert.Equal([0f, 1f, 10f, 2f, 3f, 11f], c.Data);
        Assert.Equal([0f, 1f, 2f, 3f, 0f, 1f, 2f, 3f], Ops.Concat(-2, a, a).Data);
        Assert.Equal(a.Data, Ops.Concat(0, a).Data);
        Assert.Equal("CatBackward0", Ops.Concat(0, a.AsParameter(), b.Reshape(1, 2)).GradFn!.Name);

        Assert.Contains("Sizes of tensors must match except in dimension 0. Expected size 2 but got size 1 for tensor number 1",
            Assert.Throws<ArgumentException>(() => Ops.Concat(0, a, b)).Message);
        Assert.Contains("same number of dimensions", Assert.Throws<ArgumentException>(() => Ops.Concat(0, a, Tensor.Ones(2))).Message);
        Assert.Contains("non-empty", Assert.Throws<ArgumentException>(() => Ops.Concat(0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Concat(2, a, a));
    }

    [Fact]
    public void Stack_joins_along_a_new_axis()
    {
        Tensor a = Tensor.From(1f, 2f, 3f), b = Tensor.From(4f, 5f, 6f);
        Tensor rows = Ops.Stack(0, a, b);
        Assert.Equal([2, 3], rows.Shape.ToArray());
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], rows.Data);
        Tensor columns = Ops.Stack(-1, a, b);
        Assert.Equal([3, 2], columns.Shape.ToArray());
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], columns.Data);
        Assert.Equal([1], Ops.Stack(0, Tensor.From(7f).Reshape()).Shape.ToArray()); // scalars stack to a vector

        a.RequiresGrad = true;
        Tensor s = Ops.Stack(1, a, b, a);
        Assert.Equal("StackBackward0", s.GradFn!.Name);
        s.Backward(Tensor.From([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3));
        Assert.Equal([1f + 3f, 4f + 6f, 7f + 9f], a.Grad!.Data); // a sits at positions 0 and 2 of each row

        Assert.Contains("stack expects each tensor to be equal size, but got [3] at entry 0 and [2] at entry 1",
            Assert.Throws<ArgumentException>(() => Ops.Stack(0, a, Tensor.Ones(2))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Stack(2, a, b));
        Assert.Equal([3, 2], Ops.Stack(-1, a, b).Shape.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Stack(-3, a, b));
    }
}
