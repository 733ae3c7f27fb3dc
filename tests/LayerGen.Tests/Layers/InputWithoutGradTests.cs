using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Layers.Exercises;
using LayerGen.Tests.Layers.OpLayers;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// The common training case: the input is data (no gradient wanted) and only the parameters learn.
/// The generated backward then gets an empty input-gradient span; it must skip the input's gradient
/// and give the parameters exactly the gradients they get when the input's gradient is computed too.
/// </summary>
public class InputWithoutGradTests
{
    private static readonly Dictionary<string, (Func<ILayer> Create, int[] Input)> Cases = new()
    {
        ["SoftmaxMiddle"] = (() => new SoftmaxMiddle(3, 4), [2, 3, 4]),
        ["PowClampSquare"] = (() => new PowClampSquare(9), [2, 9]),
        ["MaximumMinimum"] = (() => new MaximumMinimum(9), [4, 9]),
        ["LeakyWhere"] = (() => new LeakyWhere(9), [4, 9]),
        ["TransposePermute"] = (() => new TransposePermute(3, 4), [2, 3, 4]),
        ["ReshapeView"] = (() => new ReshapeView(), [3, 4, 3]),
        ["NarrowSliceConcatStack"] = (() => new NarrowSliceConcatStack(), [3, 5]),
        ["TensorReduction"] = (() => new TensorReduction(16, 8), [3, 16]),
    };

    [Theory]
    [InlineData("SoftmaxMiddle")]
    [InlineData("PowClampSquare")]
    [InlineData("MaximumMinimum")]
    [InlineData("LeakyWhere")]
    [InlineData("TransposePermute")]
    [InlineData("ReshapeView")]
    [InlineData("NarrowSliceConcatStack")]
    [InlineData("TensorReduction")]
    public void Parameters_get_the_same_gradients_when_the_input_needs_none(string name)
    {
        var (create, inputShape) = Cases[name];
        Tensor.ManualSeed(31);
        var layer = create();
        var x = Tensor.Randn(inputShape);
        var dy = Tensor.Randn(layer.Call(x).Shape.ToArray());

        x.RequiresGrad = true;
        layer.Call(x).Backward(dy);
        var withInput = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Grad!.ToArray());

        layer.ZeroGrad();
        var data = Tensor.From(x.ToArray(), inputShape);
        layer.Call(data).Backward(dy);
        Assert.Null(data.Grad);
        foreach (var (parameter, tensor) in layer.NamedParameters())
        {
            Assert.Equal(withInput[parameter], tensor.Grad!.Data);
        }
    }
}
