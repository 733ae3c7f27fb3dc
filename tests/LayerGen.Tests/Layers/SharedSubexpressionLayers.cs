using LayerGen;

namespace LayerGen.Tests.Layers.Shared;

// Layers whose op graphs share nodes (Ir/Graph.Add gives identical nodes one id), written to catch a
// shared node that only one pass computes.

/// <summary>
/// The forward builds tanh(x)·tanh(x) and drops it; the backward of tanh builds the same product
/// (1 − y·y), so the backward reads a node the forward's result does not need.
/// </summary>
[Layer(Input = "[*, n]")]
public partial class DeadForwardValue(int n)
{
    [Parameter] private Tensor scale = Tensor.Randn(n);

    private Tensor Forward(Tensor x)
    {
        var unused = Ops.Tanh(x * scale) * Ops.Tanh(x * scale);
        return Ops.Tanh(x * scale);
    }
}

/// <summary>One subexpression read three times, once through a nonlinearity.</summary>
[Layer(Input = "[*, n]")]
public partial class RepeatedSubexpression(int n)
{
    [Parameter] private Tensor bias = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => (x - bias) * (x - bias) + Ops.Tanh(x - bias);
}

/// <summary>Two weights that a user may make one tensor (<c>layer.Second = layer.First</c>); 16 × 16 products go through the GEMM.</summary>
[Layer(Input = "[*, n]")]
public partial class TwoWeights(int n)
{
    [Parameter] private Tensor first = Tensor.Randn(n, n);
    [Parameter] private Tensor second = Tensor.Randn(n, n);

    private Tensor Forward(Tensor x) => Ops.Tanh(x.MatMul(first)).MatMul(second);
}
