using System;
using System.Linq;
using LayerGen.Tests.Layers.Children;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Layers that hold other layers in fields and call them in their forward definition: the child runs
/// its own generated kernels inside the parent's, and the parent's backward drives the child's.
/// </summary>
public class ChildLayerTests
{
    [Fact]
    public void Mlp_of_two_Linear_children_matches_the_same_computation_written_with_eager_ops()
    {
        Tensor.ManualSeed(3);
        var mlp = new TanhMlp(6, 5, 3);
        Assert.Equal("TanhMlp[inputs=6, hidden=5, outputs=3]", mlp.KernelName);
        var x = Tensor.Randn(4, 6);

        var y = mlp.Call(x);
        var expected = Ops.Tanh(x.MatMul(mlp.First.Weight.T) + mlp.First.Bias).MatMul(mlp.Second.Weight.T) + mlp.Second.Bias;

        Assert.Equal(new[] { 4, 3 }, y.Shape.ToArray());
        AssertClose(expected.Data, y.Data, 1e-5);
    }

    [Fact]
    public void Children_are_listed_with_PyTorch_names()
    {
        var mlp = new TanhMlp(6, 5, 3);
        Assert.Equal(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }, mlp.NamedParameters().Select(p => p.Key).ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Mlp_gradients_of_input_and_of_the_childrens_parameters_match_finite_differences(bool constantSizes)
    {
        Tensor.ManualSeed(4);
        // Sizes that no construction in this compilation uses run the run-time-bounded kernel.
        int inputs = 7, hidden = 4, outputs = 2;
        var mlp = constantSizes ? new TanhMlp(6, 5, 3) : new TanhMlp(inputs, hidden, outputs);
        Assert.Equal(constantSizes ? "TanhMlp[inputs=6, hidden=5, outputs=3]" : "TanhMlp[run-time sizes]", mlp.KernelName);
        FiniteDifferences.Check(mlp, Tensor.Randn(3, constantSizes ? 6 : 7));
    }

    [Fact]
    public void A_child_called_twice_matches_eager_ops_and_finite_differences()
    {
        // Each call keeps its own saved workspace (the generated code once declared both under one name).
        Tensor.ManualSeed(6);
        var twice = new TwiceThrough(4);
        var x = Tensor.Randn(3, 4);
        using (GradMode.NoGrad())
        {
            var fc = twice.Inner;
            var expected = Ops.Tanh(x.MatMul(fc.Weight.T) + fc.Bias).MatMul(fc.Weight.T) + fc.Bias;
            AssertClose(expected.Data, twice.Call(x).Data, 1e-5);
        }

        FiniteDifferences.Check(twice, x);
    }

    [Fact]
    public void Residual_block_with_a_child_from_this_compilation_matches_finite_differences()
    {
        Tensor.ManualSeed(5);
        var block = new ResidualBlock(4);
        using (GradMode.NoGrad())
        {
            var x = Tensor.Randn(2, 4);
            var y = block.Call(x);
            var expected = x + Ops.Tanh(x.MatMul(block.Inner.Weight));
            AssertClose(expected.Data, y.Data, 1e-5);
        }

        FiniteDifferences.Check(block, Tensor.Randn(2, 4));
    }

    [Fact]
    public void The_childs_parameters_get_gradients_when_the_input_needs_none()
    {
        Tensor.ManualSeed(6);
        var mlp = new TanhMlp(6, 5, 3);
        var x = Tensor.Randn(2, 6);
        mlp.Call(x).Sum().Backward();
        Assert.Null(x.Grad);
        Assert.Contains(mlp.First.Weight.Grad!.Data, v => v != 0f);
        Assert.True(mlp.Second.Bias.Grad!.Data.All(v => v == 2f));
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
