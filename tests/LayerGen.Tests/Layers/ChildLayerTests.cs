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

        // 'public Linear First => fc1;' is a view of fc1, not a child of its own (torch lists registered modules only).
        Assert.Equal(new[] { "fc1", "fc2" }, mlp.NamedChildren().Select(c => c.Key).ToArray());
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

        // The child is constructed as 'new(width)': a constant parent makes it a constant construction too.
        Assert.Equal("ResidualBlock[width=4]", block.KernelName);
        Assert.Equal("SquareTanh[width=4]", block.Inner.KernelName);
        using (GradMode.NoGrad())
        {
            var x = Tensor.Randn(2, 4);
            var y = block.Call(x);
            var expected = x + Ops.Tanh(x.MatMul(block.Inner.Weight));
            AssertClose(expected.Data, y.Data, 1e-5);
        }

        FiniteDifferences.Check(block, Tensor.Randn(2, 4));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Children_of_children_run_the_kernels_their_parents_sizes_specialise(bool constantSizes)
    {
        Tensor.ManualSeed(7);
        // 9: a width no constant construction in this assembly has, so the run-time case really runs run-time kernels.
        int width = constantSizes ? 3 : RunTime(9);
        var net = constantSizes ? new TwoResidualBlocks(3) : new TwoResidualBlocks(width);
        Assert.Equal(constantSizes ? "TwoResidualBlocks[width=3]" : "TwoResidualBlocks[run-time sizes]", net.KernelName);
        Assert.Equal(constantSizes ? "ResidualBlock[width=3]" : "ResidualBlock[run-time sizes]", net.First.KernelName);
        Assert.Equal(constantSizes ? "SquareTanh[width=3]" : "SquareTanh[run-time sizes]", net.Second.Inner.KernelName);
        using (GradMode.NoGrad())
        {
            var x = Tensor.Randn(2, width);
            var h = x + Ops.Tanh(x.MatMul(net.First.Inner.Weight));
            var expected = h + Ops.Tanh(h.MatMul(net.Second.Inner.Weight));
            AssertClose(expected.Data, net.Call(x).Data, 1e-5);
        }

        FiniteDifferences.Check(net, Tensor.Randn(2, width));
    }

    /// <summary>A size the compiler cannot see as a constant, so the construction is not one.</summary>
    private static int RunTime(int size) => size;

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
