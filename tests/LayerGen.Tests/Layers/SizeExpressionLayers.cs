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
