using System;
using LayerGen.Tests.Layers.Shared;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Layers whose generated kernels compute a shared subexpression once: forward against the eager path,
/// backward against finite differences, on constant and run-time sizes.
/// </summary>
public class SharedSubexpressionTests
{
    public SharedSubexpressionTests() => Tensor.ManualSeed(20261128);

    private static void AgreesWithEager(Tensor generated, Tensor eager)
    {
        Assert.Equal(eager.Shape, generated.Shape);
        for (int i = 0; i < eager.Count; i++)
        {
            Assert.True(Math.Abs(generated.Data[i] - eager.Data[i]) <= 1e-5 + 1e-5 * Math.Abs(eager.Data[i]), $"output[{i}]: {generated.Data[i]} but eager gives {eager.Data[i]}");
        }
    }

    private static void Check(ILayer layer, Tensor generated, Tensor eager, Tensor x, string kernel)
    {
        Assert.Equal(kernel, layer.KernelName);
        AgreesWithEager(generated, eager);
        FiniteDifferences.Check(layer, x);
    }

    [Fact]
    public void A_forward_value_built_again_by_the_backward_is_computed()
    {
        var constant = new DeadForwardValue(7);
        var x = Tensor.Randn(3, 7);
        Check(constant, constant.Call(x), constant.CallEager(x), x, "DeadForwardValue[n=7]");

        int n = 37;
        var runTime = new DeadForwardValue(n);
        var wide = Tensor.Randn(3, n);
        Check(runTime, runTime.Call(wide), runTime.CallEager(wide), wide, "DeadForwardValue[run-time sizes]");
    }

    [Fact]
    public void A_repeated_subexpression_has_the_right_gradient()
    {
        var constant = new RepeatedSubexpression(7);
        var x = Tensor.Randn(3, 7);
        Check(constant, constant.Call(x), constant.CallEager(x), x, "RepeatedSubexpression[n=7]");

        int n = 37;
        var runTime = new RepeatedSubexpression(n);
        var wide = Tensor.Randn(3, n);
        Check(runTime, runTime.Call(wide), runTime.CallEager(wide), wide, "RepeatedSubexpression[run-time sizes]");
    }

    [Fact]
    public void Two_parameters_holding_one_tensor_get_both_contributions_after_ZeroGrad()
    {
        // The kernel may overwrite a zeroed gradient on its first write; with one tensor behind two
        // parameters that first write must not wipe the other parameter's contribution.
        var layer = new TwoWeights(16);
        layer.Second = layer.First;
        Assert.Same(layer.First, layer.Second);
        Span<float> weights = layer.First.Data;
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] *= 0.25f; // keeps the outputs small enough for float finite differences
        }

        for (int pass = 0; pass < 2; pass++)
        {
            // Each pass zeroes the parameters' gradient (the second one lazily, over the first pass's values),
            // runs the generated backward and compares with finite differences.
            FiniteDifferences.Check(layer, Tensor.Randn(4, 16));
        }
    }
}
