using System;
using System.Linq;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// <see cref="ILayer.Call"/> flattens every leading dimension of the input into the kernel's rows (none,
/// one or several). The generated result must still be what the forward definition computes on that
/// input, i.e. agree with <c>CallEager</c>, output and input gradient.
/// </summary>
public sealed class LeadingDimensionTests
{
    private static readonly int[][] Leading = [[], [4], [2, 3]];

    private static void AssertCallMatchesEager(ILayer layer, Func<Tensor, Tensor> eager, string kernel)
    {
        Assert.Equal(kernel, layer.KernelName);
        foreach (int[] leading in Leading)
        {
            var random = new Random(leading.Length + 5);
            Tensor x = LayerGradCheck.Prepare(layer, [.. leading, layer.InputRowLength], random, Spec.Default);
            var dy = LayerGradCheck.OutputGradient(eager, x, random);
            string what = $"{kernel} on {Tensor.FormatShape(x.Shape)}";

            (float[] y, float[] dx) Run(Func<Tensor, Tensor> forward)
            {
                var input = Tensor.From((float[])x.Data.Clone(), x.Shape.ToArray());
                input.RequiresGrad = true;
                Tensor output = forward(input);
                output.Backward(Tensor.From((float[])dy.Clone(), output.Shape.ToArray()));
                return (output.ToArray(), input.Grad!.ToArray());
            }

            var (yEager, dxEager) = Run(eager);
            var (yGenerated, dxGenerated) = Run(layer.Call);
            for (int i = 0; i < yEager.Length; i++)
            {
                Assert.True(Math.Abs(yEager[i] - yGenerated[i]) <= 1e-5 + 1e-4 * Math.Abs(yEager[i]), $"{what}: output[{i}] generated {yGenerated[i]}, eager {yEager[i]}");
            }

            for (int i = 0; i < dxEager.Length; i++)
            {
                Assert.True(Math.Abs(dxEager[i] - dxGenerated[i]) <= 1e-5 + 1e-4 * Math.Abs(dxEager[i]), $"{what}: input grad[{i}] generated {dxGenerated[i]}, eager {dxEager[i]}");
            }
        }
    }

    [Fact]
    public void Mean_of_everything()
    {
        var layer = new VjpMeanAll(19);
        AssertCallMatchesEager(layer, layer.CallEager, "VjpMeanAll[n=19]");
    }

    [Fact]
    public void Mean_along_the_last_axis_counted_from_the_end()
    {
        var layer = new VjpMeanAxisKeep(19);
        AssertCallMatchesEager(layer, layer.CallEager, "VjpMeanAxisKeep[n=19]");
    }

    [Fact]
    public void Scalar_broadcasting()
    {
        var layer = new VjpScalarBroadcast(19);
        AssertCallMatchesEager(layer, layer.CallEager, "VjpScalarBroadcast[n=19]");
    }

    [Fact]
    public void Matmul_with_a_transposed_parameter()
    {
        var layer = new VjpMatMulT(19, 7);
        AssertCallMatchesEager(layer, layer.CallEager, "VjpMatMulT[inUnits=19, units=7]");
    }

    [Fact]
    public void Two_layer_perceptron()
    {
        var layer = new CompTanhMlp(17, 33, 3);
        AssertCallMatchesEager(layer, layer.CallEager, "CompTanhMlp[inUnits=17, hidden=33, outUnits=3]");
    }

    // A positive axis in a forward definition is counted on [rows, features] by the generator but on the
    // actual input by the eager path: with leading dimensions [2, 3], x.Sum(1, true) sums the features in
    // the generated kernel but the second leading dimension eagerly; with no leading dimension the eager
    // call throws (axis out of range) while the generated one treats the input as one row.
    // Axes counted from the front (x.Sum(1), the batch axis 0) mean the same on both paths only with
    // exactly one batch dimension, so such a layer accepts only that and says so.
    [Fact]
    public void Sum_along_axis_1_needs_exactly_one_batch_dimension()
    {
        var layer = new VjpSumAxisKeep(19);
        AssertOneBatchDimension(layer, layer.CallEager, "VjpSumAxisKeep[n=19]");
    }

    [Fact]
    public void Mean_along_the_batch_axis_needs_exactly_one_batch_dimension()
    {
        var layer = new VjpBatchMean(19);
        AssertOneBatchDimension(layer, layer.CallEager, "VjpBatchMean[n=19]");
    }

    private static void AssertOneBatchDimension(ILayer layer, Func<Tensor, Tensor> eager, string kernel)
    {
        Assert.Equal(kernel, layer.KernelName);
        Tensor.ManualSeed(7);
        var x = Tensor.Randn(4, 19);
        var generated = layer.Call(x);
        var reference = eager(x);
        Assert.Equal(reference.Shape.ToArray(), generated.Shape.ToArray());
        for (int i = 0; i < reference.Count; i++)
        {
            Assert.True(Math.Abs(reference.Data[i] - generated.Data[i]) <= 1e-5 + (1e-4 * Math.Abs(reference.Data[i])), $"element {i}");
        }

        foreach (var shape in new[] { new[] { 19 }, new[] { 2, 3, 19 } })
        {
            var error = Assert.Throws<ArgumentException>(() => layer.Call(Tensor.Randn(shape)));
            Assert.Contains("exactly one batch dimension", error.Message);
            Assert.Contains("[*, 19]", error.Message);
        }
    }
}
