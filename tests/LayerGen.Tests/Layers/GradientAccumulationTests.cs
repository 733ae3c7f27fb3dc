using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Gradients accumulate through generated layers as in PyTorch: every backward pass adds to the
/// parameters' (and the input's) gradients until ZeroGrad, and a layer used twice in one graph
/// receives both contributions.
/// </summary>
public sealed class GradientAccumulationTests
{
    private const int Rows = 3;

    private static int RunTime(int size) => size;

    private static CompSquareTanh Square(string kernel) => kernel == "run-time" ? new CompSquareTanh(RunTime(9)) : new CompSquareTanh(7);

    private static string ExpectedKernel(string kernel) => kernel == "run-time" ? "CompSquareTanh[run-time sizes]" : "CompSquareTanh[n=7]";

    private static (Tensor X, float[] Dy) Data(ILayer layer, int seed)
    {
        var random = new Random(seed);
        Tensor x = LayerGradCheck.Prepare(layer, [Rows, layer.InputRowLength], random, Spec.Default);
        var dy = new float[Rows * layer.OutputRowLength];
        new Spec(-1, 1).Fill(random, dy);
        return (x, dy);
    }

    private static float[][] ParameterGrads(ILayer layer) => layer.Parameters().Select(p => p.Grad!.ToArray()).ToArray();

    private static float[] Doubled(float[] values) => values.Select(v => v + v).ToArray();

    /// <summary>
    /// Each of <paramref name="twice"/> is 2× <paramref name="once"/> up to rounding. Not exactly: a kernel
    /// adds a parameter's gradient into its buffer row by row, so the second pass computes
    /// ((g + t₀) + t₁) + … rather than g + g. (The input's gradient gets one += per element, so it doubles exactly.)
    /// </summary>
    private static void AssertDoubled(float[][] once, float[][] twice)
    {
        Assert.Equal(once.Length, twice.Length);
        for (int p = 0; p < once.Length; p++)
        {
            double scale = Math.Max(1.0, once[p].Max(v => Math.Abs(2.0 * v)));
            for (int i = 0; i < once[p].Length; i++)
            {
                double error = Math.Abs(twice[p][i] - 2.0 * once[p][i]);
                Assert.True(error <= 1e-6 * scale, $"parameter {p}[{i}]: {twice[p][i]:G9} after two passes, {once[p][i]:G9} after one");
            }
        }
    }

    [Theory]
    [InlineData("specialised")]
    [InlineData("run-time")]
    public void Two_backward_passes_through_Call_add_up_until_ZeroGrad(string kernel)
    {
        var layer = Square(kernel);
        Assert.Equal(ExpectedKernel(kernel), layer.KernelName);
        var (x, dy) = Data(layer, 11);
        x.RequiresGrad = true;
        void Pass() => layer.Call(x).Backward(Tensor.From((float[])dy.Clone(), Rows, layer.OutputRowLength));

        Pass();
        float[] inputOnce = x.Grad!.ToArray();
        float[][] once = ParameterGrads(layer);
        Assert.Contains(once, g => g.Any(v => v != 0)); // a vacuous all-zero gradient would prove nothing

        // Same computation again: each gradient is now twice the first.
        Pass();
        Assert.Equal(Doubled(inputOnce), x.Grad!.ToArray());
        AssertDoubled(once, ParameterGrads(layer));

        // ZeroGrad clears the layer's parameters in place (not the input, which is not the layer's).
        var buffers = layer.Parameters().Select(p => p.Grad).ToArray();
        layer.ZeroGrad();
        Assert.All(layer.Parameters(), p => Assert.All(p.Grad!.Data, v => Assert.Equal(0f, v)));
        Assert.All(layer.Parameters().Zip(buffers), pair => Assert.Same(pair.Second, pair.First.Grad)); // kept, not replaced
        Assert.Equal(Doubled(inputOnce), x.Grad!.ToArray());

        Pass();
        float[][] again = ParameterGrads(layer);
        for (int p = 0; p < once.Length; p++)
        {
            Assert.Equal(once[p], again[p]);
        }
    }

    [Theory]
    [InlineData("specialised")]
    [InlineData("run-time")]
    public void Two_span_backward_passes_add_into_inputGrad_and_the_parameters(string kernel)
    {
        var layer = Square(kernel);
        Assert.Equal(ExpectedKernel(kernel), layer.KernelName);
        var (x, dy) = Data(layer, 12);
        var output = new float[dy.Length];
        var inputGrad = new float[x.Count];
        var saved = new float[layer.SavedLength(Rows)];
        void Pass()
        {
            layer.ForwardSpan(Rows, x.Data, output, saved);
            layer.BackwardSpan(Rows, x.Data, output, dy, inputGrad, saved);
        }

        Pass();
        float[] inputOnce = (float[])inputGrad.Clone();
        float[][] once = ParameterGrads(layer);
        Pass();
        Assert.Equal(Doubled(inputOnce), inputGrad);
        AssertDoubled(once, ParameterGrads(layer));
    }

    [Theory]
    [InlineData("specialised")]
    [InlineData("run-time")]
    public void A_layer_called_twice_in_one_graph_gets_both_contributions(string kernel)
    {
        var layer = Square(kernel);
        Assert.Equal(ExpectedKernel(kernel), layer.KernelName);
        var (x, dy) = Data(layer, 13);
        Tensor Twice(Tensor input) => layer.Call(layer.Call(input));

        // Step and tolerances of LayerGradCheck. Missing either use's contribution would be an O(1) error.
        var pairs = LayerGradCheck.Compare(layer, Twice, x, dy);
        LayerGradCheck.AssertClose($"layer(layer(x)) on {layer.KernelName}", pairs);
    }

    [Theory]
    [InlineData("specialised")]
    [InlineData("run-time")]
    public void The_same_layer_twice_in_a_Sequential_span_backward_gets_both_contributions(string kernel)
    {
        var layer = Square(kernel);
        Assert.Equal(ExpectedKernel(kernel), layer.KernelName);
        var net = new Sequential(layer, layer);
        var (x, dy) = Data(layer, 14);

        layer.ZeroGrad();
        var output = new float[dy.Length];
        var inputGrad = new float[x.Count];
        var saved = new float[net.SavedLength(Rows)];
        net.ForwardSpan(Rows, x.Data, output, saved);
        net.BackwardSpan(Rows, x.Data, output, dy, inputGrad, saved);

        var pairs = new List<GradientPair> { new("input", inputGrad, LayerGradCheck.Numeric(net.Call, x, dy, x.Data)) };
        foreach (var (name, parameter) in layer.NamedParameters())
        {
            pairs.Add(new(name, parameter.Grad!.ToArray(), LayerGradCheck.Numeric(net.Call, x, dy, parameter.Data)));
        }

        LayerGradCheck.AssertClose($"Sequential(layer, layer) over spans on {layer.KernelName}", pairs);
    }
}
