using System;

namespace LayerGen.Tests.Layers.FeatureAxisSizes;

/// <summary>
/// <c>x.Size(-1)</c> with no declared input: <c>x.MatMul(w)</c> alone fixes the axis to <c>d</c> (issue 16's "shapes inferred
/// from the whole forward"), read as a scalar and as reshape sizes.
/// </summary>
[Layer]
public partial class InferredScaledHeads(int d, int heads)
{
    [Parameter] Tensor w = Tensor.Randn(d, d) * 0.5f;

    Tensor Forward(Tensor x)
    {
        var h = x.MatMul(w) / MathF.Sqrt(x.Size(-1));
        return h.Reshape(-1, heads, x.Size(-1) / heads).Softmax(-1).Reshape(-1, x.Size(-1));
    }
}

/// <summary><see cref="InferredScaledHeads"/> with the sizes by name.</summary>
[Layer]
public partial class NamedScaledHeads(int d, int heads)
{
    [Parameter] Tensor w = Tensor.Randn(d, d) * 0.5f;

    Tensor Forward(Tensor x)
    {
        var h = x.MatMul(w) / MathF.Sqrt(d);
        return h.Reshape(-1, heads, d / heads).Softmax(-1).Reshape(-1, d);
    }
}
