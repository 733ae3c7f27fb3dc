using LayerGen;

namespace LayerGen.Tests.Layers.NonFinite;

/// <summary>The attention-mask pattern: masked scores are −∞, so softmax gives them weight 0.</summary>
[Layer(Input = "[*, n]")]
public partial class MaskedSoftmax(int n)
{
    private Tensor Forward(Tensor x) => Ops.Where(x > 0f, x, float.NegativeInfinity).Softmax(-1);
}

/// <summary>A clamp with no upper bound (torch.clamp(x, min=0)).</summary>
[Layer(Input = "[*, n]")]
public partial class ClampNoUpperBound(int n)
{
    private Tensor Forward(Tensor x) => x.Clamp(0f, float.PositiveInfinity) * 2f;
}

internal static class NonFiniteSpecialisations
{
    public static MaskedSoftmax Masked() => new(5);

    public static ClampNoUpperBound Clamp() => new(5);
}
