using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>Layers grouped inside a partial class, as a model's building blocks often are.</summary>
public static partial class NestedBlocks
{
    [Layer]
    public partial class Gate(int n)
    {
        [Parameter] private Tensor weight = Tensor.Randn(n, n);

        private Tensor Forward(Tensor x) => x * Ops.Sigmoid(x.MatMul(weight));
    }

    [Layer]
    public partial class TwoGates(int n)
    {
        private readonly Gate first = new(n);
        private readonly Gate second = new(n);

        public Gate First => first;

        private Tensor Forward(Tensor x) => second.Call(first.Call(x));
    }
}

public sealed class NestedLayerTests
{
    [Fact]
    public void A_nested_layer_runs_its_generated_kernels_and_matches_finite_differences()
    {
        Tensor.ManualSeed(11);
        var net = new NestedBlocks.TwoGates(5);
        Assert.Equal("TwoGates[n=5]", net.KernelName);
        Assert.Equal("Gate[n=5]", net.First.KernelName);
        var x = Tensor.Randn(3, 5);
        using (GradMode.NoGrad())
        {
            Assert.Equal(net.CallEager(x).Data, net.Call(x).Data, (a, b) => System.Math.Abs(a - b) <= 1e-5f);
        }

        FiniteDifferences.Check(net, x);
    }
}
