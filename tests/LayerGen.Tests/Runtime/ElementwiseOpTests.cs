using System;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// Values and the gradient conventions at kinks (where finite differences cannot look) of the new
/// elementwise ops: Sqrt, Abs, Square, Pow, Clamp, the comparison masks, Where, Maximum and Minimum.
/// </summary>
public sealed class ElementwiseOpTests
{
    [Fact]
    public void Unary_ops_compute_their_functions()
    {
        Tensor x = Tensor.From(-2f, -0.5f, 0f, 1.5f, 4f);
        Assert.Equal([2f, 0.5f, 0f, 1.5f, 4f], x.Abs().Data);
        Assert.Equal([4f, 0.25f, 0f, 2.25f, 16f], x.Square().Data);
        Assert.Equal([-8f, -0.125f, 0f, 3.375f, 64f], x.Pow(3f).Data);
        Assert.Equal([1f, 1f, 1f, 1f, 1f], x.Pow(0f).Data);
        Assert.Equal([-1f, -0.5f, 0f, 1f, 1f], x.Clamp(-1f, 1f).Data);
        Assert.Equal([0.5f, 0.5f, 0.5f, 0.5f, 0.5f], x.Clamp(1f, 0.5f).Data); // min > max: everything is max, as torch.clamp

        Tensor sqrt = Tensor.From(0f, 0.25f, 4f, -1f).Sqrt();
        Assert.Equal([0f, 0.5f, 2f], sqrt.Data[..3]);
        Assert.True(float.IsNaN(sqrt.Data[3]));
        Assert.True(float.IsNaN(Ops.Pow(Tensor.From(-2f), 0.5f).Item()));
    }

    [Fact]
    public void Gradients_at_kinks_follow_pytorch()
    {
        // abs'(0) = 0; clamp passes the gradient at its bounds (inclusive); pow with exponent 0 has
        // derivative 0 everywhere, even at 0; sqrt'(0) = +inf.
        Assert.Equal([-1f, 0f, 1f], GradOf(x => x.Abs(), -3f, 0f, 2f));
        Assert.Equal([0f, 1f, 1f, 1f, 0f], GradOf(x => x.Clamp(-1f, 1f), -1.5f, -1f, 0f, 1f, 1.5f));
        Assert.Equal([0f, 0f], GradOf(x => x.Pow(0f), 0f, 2f));
        Assert.Equal([0f, 2f, -4f], GradOf(x => Ops.Square(x), 0f, 1f, -2f));
        Assert.Equal(float.PositiveInfinity, GradOf(x => x.Sqrt(), 0f)[0]);
        Assert.True(float.IsNaN(GradOf(x => x.Abs(), float.NaN)[0]));
    }

    [Fact]
    public void Gelu_approximate_tanh_is_the_tanh_approximation()
    {
        Tensor x = Tensor.From(-3f, -1f, 0f, 0.5f, 2f);
        Tensor y = Ops.Gelu(x, approximate: "tanh");
        for (int i = 0; i < x.Count; i++)
        {
            double v = x.Data[i];
            double expected = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            Assert.Equal((float)expected, y.Data[i]);
        }
    }

    [Theory]
    [InlineData("Tanh")]
    [InlineData("erf")]
    [InlineData("")]
    [InlineData(null)]
    public void Gelu_refuses_an_approximation_torch_does_not_have(string? approximate)
    {
        var error = Assert.Throws<ArgumentException>(() => Ops.Gelu(Tensor.From(1f), approximate!));
        Assert.Equal("approximate", error.ParamName);
        Assert.Contains("\"none\"", error.Message);
        Assert.Contains("\"tanh\"", error.Message);
    }

    [Fact]
    public void Comparisons_give_float_masks_that_broadcast_and_carry_no_gradient()
    {
        Tensor a = Tensor.From([1, 2, 3, 4, 5, 6], 2, 3);
        Tensor row = Tensor.From(2f, 2f, 6f);
        a.RequiresGrad = true;

        Assert.Equal([0f, 0f, 0f, 1f, 1f, 0f], a.Gt(row).Data);
        Assert.Equal([1f, 0f, 1f, 0f, 0f, 0f], a.Lt(row).Data);
        Assert.Equal([0f, 1f, 0f, 1f, 1f, 1f], a.Ge(row).Data);
        Assert.Equal([1f, 1f, 1f, 0f, 0f, 1f], a.Le(row).Data);
        Assert.Equal([0f, 1f, 0f, 0f, 0f, 1f], a.Eq(row).Data);
        Assert.Equal([2, 3], a.Gt(row).Shape.ToArray());

        Assert.Equal(a.Gt(row).Data, (a > row).Data);
        Assert.Equal(a.Lt(row).Data, (a < row).Data);
        Assert.Equal(a.Ge(row).Data, (a >= row).Data);
        Assert.Equal(a.Le(row).Data, (a <= row).Data);
        Assert.Equal([0f, 0f, 1f, 1f, 1f, 1f], (a > 2.5f).Data);
        Assert.Equal(a.Gt(2.5f).Data, (a > 2.5f).Data);
        Assert.Equal(a.Lt(3f).Data, (a < 3f).Data);
        Assert.Equal(a.Ge(3f).Data, (a >= 3f).Data);
        Assert.Equal(a.Le(3f).Data, (a <= 3f).Data);
        Assert.Equal([0f, 0f, 1f, 0f, 0f, 0f], a.Eq(3f).Data);

        Tensor mask = a > row;
        Assert.False(mask.RequiresGrad);
        Assert.True(mask.IsLeaf);
    }

    [Fact]
    public void Comparisons_with_nan_are_false()
    {
        Tensor x = Tensor.From(float.NaN);
        Assert.Equal(0f, x.Gt(0f).Item());
        Assert.Equal(0f, x.Le(0f).Item());
        Assert.Equal(0f, x.Eq(x).Item());
    }

    [Fact]
    public void Where_selects_by_nonzero_mask_with_broadcasting_and_routes_gradients()
    {
        Tensor mask = Tensor.From([1, 0, -2, 0], 2, 2); // any non-zero selects a
        Tensor a = Tensor.From(10f, 20f);               // broadcast along rows
        Tensor b = Tensor.From([1, 2], 2, 1);           // broadcast along columns
        a.RequiresGrad = true;
        b.RequiresGrad = true;
        mask.RequiresGrad = true;

        Tensor y = Ops.Where(mask, a, b);
        Assert.Equal([10f, 1f, 10f, 2f], y.Data);
        Assert.Equal("WhereBackward0", y.GradFn!.Name);

        y.Backward(Tensor.From([1, 2, 3, 4], 2, 2));
        Assert.Equal([4f, 0f], a.Grad!.Data);   // dy at (0,0) and (1,0)
        Assert.Equal([2f, 4f], b.Grad!.Data);   // dy at (0,1) and (1,1)
        Assert.Null(mask.Grad);                 // the mask gets no gradient
    }

    [Fact]
    public void Maximum_and_minimum_send_the_gradient_to_the_winner_and_split_ties()
    {
        Tensor a = Tensor.From(1f, 5f, 3f);
        Tensor b = Tensor.From(2f, 4f, 3f);
        a.RequiresGrad = true;
        b.RequiresGrad = true;

        Tensor max = Ops.Maximum(a, b);
        Assert.Equal([2f, 5f, 3f], max.Data);
        max.Backward(Tensor.From(1f, 1f, 1f));
        Assert.Equal([0f, 1f, 0.5f], a.Grad!.Data);
        Assert.Equal([1f, 0f, 0.5f], b.Grad!.Data);

        a.ZeroGrad();
        b.ZeroGrad();
        Tensor min = Ops.Minimum(a, b);
        Assert.Equal([1f, 4f, 3f], min.Data);
        min.Backward(Tensor.From(1f, 2f, 4f));
        Assert.Equal([1f, 0f, 2f], a.Grad!.Data);
        Assert.Equal([0f, 2f, 2f], b.Grad!.Data);

        Assert.True(float.IsNaN(Ops.Maximum(Tensor.From(float.NaN), Tensor.From(1f)).Item()));
        Assert.True(float.IsNaN(Ops.Minimum(Tensor.From(1f), Tensor.From(float.NaN)).Item()));
    }

    [Fact]
    public void Maximum_broadcasts_and_sums_the_gradient_over_broadcast_dimensions()
    {
        Tensor x = Tensor.From([-1, 2, -3, 4], 2, 2);
        Tensor zero = Tensor.From(0f);
        x.RequiresGrad = true;
        zero.RequiresGrad = true;

        Tensor relu = Ops.Maximum(x, zero);
        Assert.Equal([0f, 2f, 0f, 4f], relu.Data);
        relu.Sum().Backward();
        Assert.Equal([0f, 1f, 0f, 1f], x.Grad!.Data);
        Assert.Equal(2f, zero.Grad!.Item()); // the two elements where 0 won
    }

    private static float[] GradOf(Func<Tensor, Tensor> f, params float[] values)
    {
        Tensor x = Tensor.From(values);
        x.RequiresGrad = true;
        f(x).Sum().Backward();
        return x.Grad!.Data;
    }
}
