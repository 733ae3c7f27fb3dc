using System;

namespace LayerGen.Tests.Layers.BatchedMatMul;

// MatMul with PyTorch's batching rules (issue 16), written as a PyTorch user writes it: each layer is checked
// against PyTorch (Fixtures/batched_*.json, tools/fixtures/batched_matmul.py), finite differences and the eager path.

/// <summary>A weight applied at every position: <c>x @ W</c> with x <c>[*, steps, d]</c> (PyTorch's N-D × 2-D).</summary>
[Layer(Input = "[*, steps, d]")]
public partial class PerPosition(int steps, int d, int h)
{
    [Parameter] Tensor weight = Tensor.Randn(d, h);
    [Parameter] Tensor bias = Tensor.Randn(h);

    Tensor Forward(Tensor x) => Ops.Tanh(x.MatMul(weight) + bias);
}

/// <summary>D2L's DotProductAttention (11.3) in eval mode: <c>torch.bmm(queries, keys.transpose(1, 2)) / sqrt(d)</c>, softmax, values.</summary>
[Layer(Input = "[*, queries, d]; [*, keyValues, d]; [*, keyValues, v]")]
public partial class ScaledDotProduct(int queries, int keyValues, int d, int v)
{
    Tensor Forward(Tensor q, Tensor k, Tensor values)
    {
        var scores = q.MatMul(k.Transpose(-1, -2)) / MathF.Sqrt(d);
        return Ops.Softmax(scores, -1).MatMul(values);
    }
}

/// <summary>Rank 4, heads as a batch axis: <c>[*, heads, steps, d]</c> scores, then a weight broadcast over heads and steps.</summary>
[Layer(Input = "[*, heads, steps, d]; [*, heads, steps, d]")]
public partial class HeadScores(int heads, int steps, int d, int e)
{
    [Parameter] Tensor weight = Tensor.Randn(d, e);

    Tensor Forward(Tensor q, Tensor k) => Ops.Tanh(q.MatMul(k.Transpose(-2, -1))).MatMul(q).MatMul(weight);
}

/// <summary>Broadcasting a size-1 axis: x <c>[*, 1, steps, d]</c> times one matrix per head <c>[heads, d, e]</c> is <c>[*, heads, steps, e]</c>.</summary>
[Layer(Input = "[*, 1, steps, d]")]
public partial class PerHeadProjection(int heads, int steps, int d, int e)
{
    [Parameter] Tensor weight = Tensor.Randn(heads, d, e);

    Tensor Forward(Tensor x) => x.MatMul(weight);
}
