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
            Assert.True(System.Math.Abs(generated.Data[i] - eager.Data[i]) <= 1e-5 + 1e-5 * System.Math.Abs(eager.Data[i]), $"output[{i}]: {generated.Data[i]} but eager gives {eager.Data[i]}");
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
}
