using LayerGen.Tests.Layers.OpLayers;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// CheckedMode is a process-wide switch: while a test has it on, every generated kernel in the process
/// checks its results, so these tests run alone (after the parallel ones), where no other test's
/// deliberate infinities or NaNs can meet an open scope and no other test sees the switch on.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideModeCollection
{
    public const string Name = "Process-wide modes";
}

/// <summary>CheckedMode stops at the first NaN or infinity a generated kernel produces, naming its source.</summary>
[Collection(ProcessWideModeCollection.Name)]
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
