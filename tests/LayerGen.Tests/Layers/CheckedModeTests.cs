using LayerGen.Tests.Layers.OpSet;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>CheckedMode stops at the first NaN or infinity a generated kernel produces, naming its source.</summary>
public class CheckedModeTests
{
    [Fact]
    public void A_NaN_in_a_generated_forward_names_the_layer_and_the_expression()
    {
        var layer = new SqrtAbsPlusOne(3);
        var x = Tensor.From(new[] { 1f, float.NaN, 2f }, 1, 3);
        Assert.True(float.IsNaN(layer.Call(x).Data[1]));

        using (CheckedMode.Enable())
        {
            var error = Assert.Throws<NonFiniteValueException>(() => layer.Call(x));
            Assert.Equal("SqrtAbsPlusOne", error.Layer);
            Assert.Equal("forward", error.Pass);
            Assert.Equal("Ops.Sqrt(Ops.Abs(x) + 1f)", error.Expression);
            Assert.Equal(1, error.Index);
        }

        Assert.False(CheckedMode.Enabled);
    }
}
