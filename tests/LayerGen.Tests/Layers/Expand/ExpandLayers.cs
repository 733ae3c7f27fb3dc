namespace LayerGen.Tests.Layers.Expand;

// torch's expand in a forward (issue 16), written as a PyTorch user writes it: each layer is checked against PyTorch
// (Fixtures/expand_*.json, tools/fixtures/expand_fixtures.py), finite differences and the eager path.

/// <summary>A learned vector joined to every row (<c>p.expand(x.size(0), -1)</c>) and a row scale broadcast with <c>expand_as</c>.</summary>
[Layer(Input = "[*, n]")]
public partial class ConcatLearned(int n, int m, int h)
{
    [Parameter] Tensor p = Tensor.Randn(m);
    [Parameter] Tensor q = Tensor.Randn(1, n);
    [Parameter] Tensor weight = Tensor.Randn(n + m, h);

    Tensor Forward(Tensor x) => Ops.Tanh(Ops.Concat(-1, x * q.ExpandAs(x), p.Expand(x.Size(0), -1)).MatMul(weight));
}

/// <summary>A <c>[1, m]</c> token stretched over the batch and the steps of a rank-3 input, then joined to it.</summary>
[Layer(Input = "[*, steps, n]")]
public partial class StepsWithToken(int steps, int n, int m)
{
    [Parameter] Tensor token = Tensor.Randn(1, m);

    Tensor Forward(Tensor x) => Ops.Sigmoid(Ops.Concat(-1, x, token.Expand(x.Size(0), steps, -1)));
}
