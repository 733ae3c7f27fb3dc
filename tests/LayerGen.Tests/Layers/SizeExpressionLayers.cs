using LayerGen;

namespace LayerGen.Tests.Layers.SizeExpressions;

// Layers whose op arguments are sizes of their int constructor parameters (issue 16, "size expressions anywhere a
// size goes"), written as a PyTorch user writes them: each is checked against PyTorch fixtures (sizes_*.json),
// finite differences and the eager path, on the kernel specialised for constant sizes and on the run-time one.

/// <summary>
/// D2L's multi-head attention's <c>transpose_qkv</c> and <c>transpose_output</c> around a per-head softmax:
/// <c>[*, steps, d]</c> → <c>[*, heads, steps, d / heads]</c> → back. <c>d % heads</c> must be 0, which only the
/// constructor's arguments decide: the layer checks it when constructed.
/// </summary>
[Layer(Input = "[*, steps, d]")]
public partial class HeadSplit(int steps, int d, int heads)
{
    [Parameter] Tensor scale = Tensor.Randn(d);
    [Parameter] Tensor headGain = Tensor.Randn(heads, 1, 1);

    Tensor Forward(Tensor x)
    {
        var split = (x * scale).Reshape(-1, steps, heads, d / heads).Permute(0, 2, 1, 3);
        var mixed = Ops.Softmax(split * headGain, -1);
        return mixed.Permute(0, 2, 1, 3).Reshape(-1, steps, d);
    }
}

/// <summary>
/// Blocks of a joined axis by sizes: <c>Concat</c> of <c>[*, h]</c> and <c>[*, g]</c> is <c>[*, h + g]</c>;
/// <c>Narrow</c> and <c>Slice</c> take it apart again with bounds computed from the sizes.
/// </summary>
[Layer]
public partial class SplitGate(int n, int h, int g)
{
    [Parameter] Tensor wa = Tensor.Randn(n, h);
    [Parameter] Tensor wb = Tensor.Randn(n, g);

    Tensor Forward(Tensor x)
    {
        var both = Ops.Concat(-1, x.MatMul(wa), x.MatMul(wb));
        var gate = Ops.Sigmoid(both.Narrow(-1, 0, h));
        var tail = both.Slice(-1, h, h + g).Sum(-1, keepDim: true);
        var last = both.Narrow(-1, h + g - 1, 1);
        return gate * tail + last;
    }
}

/// <summary>
/// A gate over the joined <c>[x, h]</c> of a GRU cell, written with sizes in the declarations: the input is declared
/// <c>[*, numInputs + numHiddens]</c> and the weight is <c>Tensor.Randn(numInputs + numHiddens, numHiddens)</c>.
/// </summary>
[Layer(Input = "[*, numInputs + numHiddens]")]
public partial class JoinedGate(int numInputs, int numHiddens)
{
    [Parameter] Tensor w = Tensor.Randn(numInputs + numHiddens, numHiddens) * 0.5f;
    [Parameter] Tensor b = Tensor.Zeros(numHiddens);

    Tensor Forward(Tensor xh)
    {
        var z = Ops.Sigmoid(xh.MatMul(w) + b);
        var h = xh.Narrow(-1, numInputs, numHiddens);
        return z * h + (1f - z) * Ops.Tanh(h);
    }
}

/// <summary>A parameter of one head's width, <c>Tensor.Randn(d / heads)</c>, applied to every head of <c>[*, steps, heads, d / heads]</c>.</summary>
[Layer(Input = "[*, steps, d]")]
public partial class PerHeadScale(int steps, int d, int heads)
{
    [Parameter] Tensor headScale = Tensor.Randn(d / heads);

    Tensor Forward(Tensor x) => (x.Reshape(-1, steps, heads, d / heads) * headScale).Reshape(-1, steps, d);
}
