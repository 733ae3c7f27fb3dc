using System;
using System.Linq;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.FeatureAxisSizes;

/// <summary>
/// <c>x.Size(-1)</c>, <c>x.Size(1)</c> where the declared input fixes that axis: as a scalar (<c>1f / MathF.Sqrt(queries.Size(-1))</c>),
/// in a reshape (<c>Reshape(-1, queries.Size(1), heads, queries.Size(-1) / heads)</c>) and a fresh tensor's shape, on the
/// generated kernels (constant-size and run-time, <c>KernelName</c> asserted): the same output and gradients as the layer
/// with the sizes written by name (the same parameters in both), and finite differences.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class FeatureAxisSizeTests
{
    private static int RunTime(int size) => size;

    [Theory]
    [InlineData(3, 4, 2, "[steps=3, d=4, heads=2]")]
    [InlineData(2, 6, 3, "[run-time sizes]")]
    public void Sizes_read_from_the_declared_axes_match_the_sizes_by_name(int steps, int d, int heads, string kernel)
    {
        Tensor.ManualSeed(164);
        bool runTime = steps != 3;
        var bySize = runTime ? new SelfAttentionBySize(RunTime(steps), RunTime(d), RunTime(heads)) : new SelfAttentionBySize(3, 4, 2);
        var byName = runTime ? new SelfAttentionByName(RunTime(steps), RunTime(d), RunTime(heads)) : new SelfAttentionByName(3, 4, 2);
        Assert.Equal("SelfAttentionBySize" + kernel, bySize.KernelName);
        Assert.Equal("SelfAttentionByName" + kernel, byName.KernelName);
        byName.WK = Tensor.From(bySize.WK.ToArray(), d, d).AsParameter();
        byName.HeadGain = Tensor.From(bySize.HeadGain.ToArray(), heads, 1, 1).AsParameter();
        Tensor x = Tensor.Randn(2, steps, d), dy = Tensor.Randn(2, steps, d);

        float[][] Run(ILayer layer, Func<Tensor, Tensor> call)
        {
            Tensor input = Tensor.From(x.ToArray(), 2, steps, d);
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

        FiniteDifferences.Check(bySize, Tensor.Randn(2, steps, d));
    }
}
