using System;
using System.Linq;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.FeatureAxisSizes;

/// <summary>
/// <c>x.Size(-1)</c> where only a parameter fixes the axis (no <c>[Layer(Input = ...)]</c>), on the generated kernels
/// (constant-size and run-time, <c>KernelName</c> asserted): the same output and gradients as the layer with the sizes by
/// name (the same parameters in both), the eager path, and finite differences.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class InferredFeatureAxisTests
{
    private static int RunTime(int size) => size;

    [Theory]
    [InlineData(6, 2, "[d=6, heads=2]")]
    [InlineData(8, 4, "[run-time sizes]")]
    public void A_size_read_from_an_axis_a_parameter_fixes_matches_the_size_by_name(int d, int heads, string kernel)
    {
        Tensor.ManualSeed(165);
        bool runTime = d != 6;
        var bySize = runTime ? new InferredScaledHeads(RunTime(d), RunTime(heads)) : new InferredScaledHeads(6, 2);
        var byName = runTime ? new NamedScaledHeads(RunTime(d), RunTime(heads)) : new NamedScaledHeads(6, 2);
        Assert.Equal("InferredScaledHeads" + kernel, bySize.KernelName);
        Assert.Equal("NamedScaledHeads" + kernel, byName.KernelName);
        byName.W = Tensor.From(bySize.W.ToArray(), d, d).AsParameter();
        Tensor x = Tensor.Randn(3, d), dy = Tensor.Randn(3, d);

        float[][] Run(ILayer layer, Func<Tensor, Tensor> call)
        {
            Tensor input = Tensor.From(x.ToArray(), 3, d);
            input.RequiresGrad = true;
            layer.ZeroGrad();
            Tensor y = call(input);
            y.Backward(dy);
            return new[] { y.ToArray(), input.Grad!.ToArray() }.Concat(layer.Parameters().Select(p => p.Grad!.ToArray())).ToArray();
        }

        float[][] expected = Run(byName, byName.Call), actual = Run(bySize, bySize.Call), eager = Run(bySize, bySize.CallEager);
        for (int t = 0; t < expected.Length; t++)
        {
            for (int i = 0; i < expected[t].Length; i++)
            {
                Assert.True(Infrastructure.TensorAssert.IsClose(expected[t][i], actual[t][i], 1e-6, 1e-5), $"tensor {t} [{i}]: by name {expected[t][i]}, by x.Size {actual[t][i]}");
                Assert.True(Infrastructure.TensorAssert.IsClose(eager[t][i], actual[t][i], 1e-5, 1e-4), $"tensor {t} [{i}]: eager {eager[t][i]}, generated {actual[t][i]}");
            }
        }

        FiniteDifferences.Check(bySize, Tensor.Randn(3, d));
    }
}
