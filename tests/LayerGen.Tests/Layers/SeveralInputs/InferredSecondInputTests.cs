using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.SeveralInputs;

/// <summary>
/// Second inputs whose shapes nothing declares, inferred from their uses (issue 16): the generated kernels (constant-size
/// and run-time, <c>KernelName</c> asserted) know both inputs' widths, compute what the same formula computes on the eager
/// ops, agree with the layer's eager path on the output and every gradient, and match finite differences for both inputs.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class InferredSecondInputTests
{
    private static int RunTime(int size) => size;

    [Theory]
    [InlineData(4, 3, "ProjectedSum[inUnits=4, units=3]")]
    [InlineData(5, 2, "ProjectedSum[run-time sizes]")]
    public void A_second_input_added_to_a_product_is_pinned_to_its_columns(int inUnits, int units, string kernel)
    {
        Tensor.ManualSeed(181);
        var layer = inUnits == 4 ? new ProjectedSum(4, 3) : new ProjectedSum(RunTime(inUnits), RunTime(units));
        Assert.Equal(kernel, layer.KernelName);
        Assert.Equal(inUnits, layer.InputRowLength(0));
        Assert.Equal(units, layer.InputRowLength(1));
        var x = Tensor.Randn(3, inUnits);
        var y = Tensor.Randn(3, units);
        using (GradMode.NoGrad())
        {
            var expected = x.MatMul(layer.Weight) + y;
            var generated = layer.Call(x, y);
            TensorAssert.Close(new FixtureTensor(expected.Shape.ToArray(), expected.Data), generated.Data, generated.Shape, "output");
        }

        AgreesWithEager(layer, (a, b) => layer.Call(a, b), (a, b) => layer.CallEager(a, b), x, y);
        SeveralInputFiniteDifferences.Check(layer, (a, b) => layer.Call(a, b), x, y);
        var wrong = Assert.Throws<ArgumentException>(() => layer.Call(Tensor.Randn(2, inUnits), Tensor.Randn(2, units + 1)));
        Assert.Equal($"ProjectedSum expected 'y' of shape [*, {units}] but got [2, {units + 1}] (Parameter 'y')", wrong.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_second_input_whose_axis_is_read_before_it_is_pinned_gets_the_first_inputs_width(bool constantSizes)
    {
        Tensor.ManualSeed(182);
        var layer = constantSizes ? new GatedCentred(4) : new GatedCentred(RunTime(6));
        int d = constantSizes ? 4 : 6;
        Assert.Equal(constantSizes ? "GatedCentred[d=4]" : "GatedCentred[run-time sizes]", layer.KernelName);
        Assert.Equal(d, layer.InputRowLength(0));
        Assert.Equal(d, layer.InputRowLength(1));
        var x = Tensor.Randn(2, 3, d);
        var y = Tensor.Randn(2, 3, d);
        using (GradMode.NoGrad())
        {
            var expected = Ops.Sigmoid(x * layer.Gate) * (y - y.Mean(-1, keepDim: true));
            var generated = layer.Call(x, y);
            TensorAssert.Close(new FixtureTensor(expected.Shape.ToArray(), expected.Data), generated.Data, generated.Shape, "output");
        }

        AgreesWithEager(layer, (a, b) => layer.Call(a, b), (a, b) => layer.CallEager(a, b), x, y);
        SeveralInputFiniteDifferences.Check(layer, (a, b) => layer.Call(a, b), x, y);
    }

    /// <summary>Output and the gradients of Σ y·dy to both inputs and every parameter: the generated kernels against the eager path.</summary>
    private static void AgreesWithEager(IModule layer, Func<Tensor, Tensor, Tensor> call, Func<Tensor, Tensor, Tensor> eager, Tensor a, Tensor b)
    {
        Tensor dy;
        using (GradMode.NoGrad())
        {
            dy = Tensor.Randn(call(a, b).Shape.ToArray());
        }

        float[][] Run(Func<Tensor, Tensor, Tensor> f)
        {
            var first = a.Detach();
            var second = b.Detach();
            first.RequiresGrad = true;
            second.RequiresGrad = true;
            layer.ZeroGrad();
            var y = f(first, second);
            y.Backward(dy);
            return new[] { y.ToArray(), first.Grad!.ToArray(), second.Grad!.ToArray() }.Concat(layer.Parameters().Select(p => p.Grad!.ToArray())).ToArray();
        }

        float[][] generated = Run(call), expected = Run(eager);
        Assert.Equal(expected.Length, generated.Length);
        for (int t = 0; t < expected.Length; t++)
        {
            for (int i = 0; i < expected[t].Length; i++)
            {
                Assert.True(TensorAssert.IsClose(expected[t][i], generated[t][i], 1e-5, 1e-4), $"{layer.KernelName}: tensor {t} [{i}]: eager {expected[t][i]}, generated {generated[t][i]}");
            }
        }
    }
}
