using System;

namespace LayerGen.Tests.Layers.FeatureAxisSizes;

// Sizes read from an input's feature axes (issue 16), x.Size(-1) as PyTorch's queries.shape[-1], each beside the same
// layer with the size written by name.

/// <summary>
/// Scaled dot-product self-attention, <c>d = queries.shape[-1]</c> as D2L writes it: the scale and a head split read the
/// sizes from the declared input.
/// </summary>
[Layer(Input = "[*, steps, d]")]
public partial class SelfAttentionBySize(int steps, int d, int heads)
{
    [Parameter] Tensor wK = Tensor.Randn(d, d) * 0.5f;
    [Parameter] Tensor headGain = Tensor.Randn(heads, 1, 1);

    Tensor Forward(Tensor queries)
    {
        var keys = queries.MatMul(wK);
        var scores = Ops.Softmax(queries.MatMul(keys.Transpose(-1, -2)) * (1f / MathF.Sqrt(queries.Size(-1))), -1);
        var attended = scores.MatMul(queries);
        var split = attended.Reshape(-1, queries.Size(1), heads, queries.Size(-1) / heads).Permute(0, 2, 1, 3) * headGain;
        return split.Permute(0, 2, 1, 3).Reshape(-1, queries.Size(1), queries.Size(2)) + Tensor.Ones(queries.Size(0), queries.Size(1), queries.Size(-1));
    }
}

/// <summary><see cref="SelfAttentionBySize"/> with the sizes by name.</summary>
[Layer(Input = "[*, steps, d]")]
public partial class SelfAttentionByName(int steps, int d, int heads)
{
    [Parameter] Tensor wK = Tensor.Randn(d, d) * 0.5f;
    [Parameter] Tensor headGain = Tensor.Randn(heads, 1, 1);

    Tensor Forward(Tensor queries)
    {
        var keys = queries.MatMul(wK);
        var scores = Ops.Softmax(queries.MatMul(keys.Transpose(-1, -2)) * (1f / MathF.Sqrt(d)), -1);
        var attended = scores.MatMul(queries);
        var split = attended.Reshape(-1, steps, heads, d / heads).Permute(0, 2, 1, 3) * headGain;
        return split.Permute(0, 2, 1, 3).Reshape(-1, steps, d) + Tensor.Ones(queries.Size(0), steps, d);
    }
}
