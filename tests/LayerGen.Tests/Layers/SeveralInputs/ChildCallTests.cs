using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.SeveralInputs;

/// <summary>
/// Child layers of several inputs called in a parent's forward with several arguments (<c>cell.Call(x, h)</c>,
/// <c>addNorm.Call(x, ffn.Call(x))</c>): the parent's generated kernels against its eager path and against finite
/// differences of its generated forward, gradients of every input and of the children's parameters included.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class ChildCallTests
{
    [Fact]
    public void A_parent_calling_a_GRU_cell_with_two_arguments_agrees_with_its_eager_path()
    {
        Tensor.ManualSeed(31);
        var layer = new GruWithHead(5, 3);
        Assert.Equal("GruWithHead[numInputs=5, numHiddens=3]", layer.KernelName);
        var x = Tensor.Randn(4, 5);
        var h = Tensor.Randn(4, 3);
        var dy = Tensor.Randn(4, 2);
        AssertAgree(layer, () => layer.Call(x, h), () => layer.CallEager(x, h), dy, x, h);
        SeveralInputFiniteDifferences.Check(layer, (a, b) => layer.Call(a, b), Tensor.Randn(3, 5), Tensor.Randn(3, 3));
    }

    [Fact]
    public void A_one_input_block_calling_AddNorm_with_two_arguments_agrees_and_fits_in_a_Sequential()
    {
        Tensor.ManualSeed(32);
        var block = new FfnBlock(6);
        block.Train(false);
        Assert.IsAssignableFrom<ILayer>(block);
        var x = Tensor.Randn(2, 3, 6);
        var dy = Tensor.Randn(2, 3, 6);
        AssertAgree(block, () => block.Call(x), () => block.CallEager(x), dy, x);
        FiniteDifferences.Check(block, Tensor.Randn(3, 6));

        var net = new Sequential(new FfnBlock(6), new Linear(6, 1));
        net.Train(false);
        Assert.Equal(["0.addNorm.gamma", "0.addNorm.beta", "0.ffn.weight", "0.ffn.bias", "1.weight", "1.bias"], net.StateDict().Keys);
        var input = Tensor.Randn(4, 6);
        Assert.Equal(net.CallEager(input).Shape.ToArray(), net.Call(input).Shape.ToArray());
    }

    private static void AssertAgree(IModule layer, Func<Tensor> generated, Func<Tensor> eager, Tensor dy, params Tensor[] inputs)
    {
        float[][] Run(Func<Tensor> call)
        {
            layer.ZeroGrad();
            foreach (var input in inputs)
            {
                input.Grad = null;
                input.RequiresGrad = true;
            }

            var y = call();
            y.Backward(dy);
            return new[] { y.ToArray() }.Concat(inputs.Select(i => i.Grad!.ToArray())).Concat(layer.Parameters().Select(p => p.Grad!.ToArray())).ToArray();
        }

        var g = Run(generated);
        var e = Run(eager);
        Assert.Equal(e.Length, g.Length);
        for (int t = 0; t < e.Length; t++)
        {
            for (int i = 0; i < e[t].Length; i++)
            {
                Assert.True(TensorAssert.IsClose(e[t][i], g[t][i], 1e-5, 1e-4), $"tensor {t} [{i}]: eager {e[t][i]}, generated {g[t][i]}");
            }
        }
    }
}
