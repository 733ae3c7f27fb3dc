using System;
using System.Linq;
using Xunit;
using LayerGen.Generated;

namespace LayerGen.Tests.Runtime;

/// <summary>LayerRuntime.Call, the shared implementation of every generated layer's Call.</summary>
public sealed class LayerRuntimeTests
{
    [Fact]
    public void A_wrong_feature_shape_names_the_layer_and_both_shapes()
    {
        var layer = new HandLinear(64, 8, new Random(1));
        var error = Assert.Throws<ArgumentException>(() => layer.Call(Tensor.Zeros(2, 5)));
        Assert.StartsWith("HandLinear expected an input of shape [*, 64] but got [2, 5]", error.Message);
        Assert.Throws<ArgumentException>(() => layer.Call(Tensor.Zeros()));
    }

    [Theory]
    [InlineData(new[] { 5 }, new[] { 3 })]
    [InlineData(new[] { 2, 5 }, new[] { 2, 3 })]
    [InlineData(new[] { 4, 2, 5 }, new[] { 4, 2, 3 })]
    [InlineData(new[] { 0, 5 }, new[] { 0, 3 })]
    public void Leading_dimensions_are_rows_and_are_kept(int[] inputShape, int[] outputShape)
    {
        var layer = new HandLinear(5, 3, new Random(2));
        Tensor y = layer.Call(Tensor.Ones(inputShape));
        Assert.Equal(outputShape, y.Shape.ToArray());
    }

    [Fact]
    public void Forward_and_backward_agree_with_the_eager_path()
    {
        var random = new Random(3);
        var layer = new HandLinear(5, 3, random);
        Tensor x = HandLinear.RandomTensor(random, 4, 5);
        x.RequiresGrad = true;
        Tensor dy = HandLinear.RandomTensor(random, 4, 3);

        Tensor viaKernel = layer.Call(x);
        Assert.Equal("HandLinearBackward", viaKernel.GradFn!.Name);
        viaKernel.Backward(dy);
        float[] gradX = x.Grad!.ToArray(), gradW = layer.Weight.Grad!.ToArray(), gradB = layer.Bias.Grad!.ToArray();

        x.ZeroGrad();
        layer.ZeroGrad();
        Tensor viaEager = layer.CallEager(x);
        viaEager.Backward(dy);

        AssertClose(viaEager.Data, viaKernel.Data);
        AssertClose(x.Grad!.Data, gradX);
        AssertClose(layer.Weight.Grad!.Data, gradW);
        AssertClose(layer.Bias.Grad!.Data, gradB);
    }

    [Fact]
    public void Parameters_get_gradients_when_the_input_needs_none()
    {
        var layer = new HandLinear(2, 2, new Random(4));
        Tensor y = layer.Call(Tensor.Ones(3, 2)); // input does not require grad
        Assert.NotNull(y.GradFn);
        y.Sum().Backward();
        Assert.Equal([3f, 3], layer.Bias.Grad!.ToArray());
        Assert.All(layer.Weight.Grad!.Data, g => Assert.Equal(3f, g));
    }

    [Fact]
    public void Nothing_is_recorded_when_nothing_needs_a_gradient()
    {
        var layer = new HandLinear(2, 2, new Random(5));
        layer.Weight.RequiresGrad = false;
        layer.Bias.RequiresGrad = false;
        Assert.True(layer.Call(Tensor.Ones(1, 2)).IsLeaf);

        layer.Weight.RequiresGrad = true;
        using (GradMode.NoGrad())
        {
            Assert.True(layer.Call(Tensor.Ones(1, 2)).IsLeaf);
        }

        Assert.False(layer.Call(Tensor.Ones(1, 2)).IsLeaf);
    }

    [Fact]
    public void A_shape_agnostic_layer_treats_every_element_as_a_row()
    {
        var relu = new HandRelu(1);
        Tensor x = Tensor.From(new float[] { -1, 2, -3, 4, 5, -6 }, 2, 3);
        x.RequiresGrad = true;
        Tensor y = LayerRuntime.Call(relu, x, [], []);
        Assert.Equal([2, 3], y.Shape.ToArray());
        Assert.Equal([0f, 2, 0, 4, 5, 0], y.ToArray());
        y.Sum().Backward();
        Assert.Equal([0f, 1, 0, 1, 1, 0], x.Grad!.ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        // The hand kernel accumulates in float, the eager reference in double: a few ulps apart.
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5f + 1e-5f * Math.Abs(p.First), $"{p.First} vs {p.Second}"));
    }
}
