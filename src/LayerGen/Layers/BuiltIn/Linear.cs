using System;

namespace LayerGen;

/// <summary>
/// y = x Wᵀ + b, with PyTorch's layout (weight [outFeatures, inFeatures]) and initialisation
/// (weight and bias uniform in ±1/√inFeatures, which is what <c>torch.nn.Linear</c>'s Kaiming-uniform
/// with a = √5 works out to). A [Layer] compiled by LayerGen's own generator.
/// </summary>
[Layer]
public partial class Linear(int inFeatures, int outFeatures)
{
    [Parameter] private Tensor weight = Tensor.Uniform(-Bound(inFeatures), Bound(inFeatures), outFeatures, inFeatures);
    [Parameter] private Tensor bias = Tensor.Uniform(-Bound(inFeatures), Bound(inFeatures), outFeatures);

    private static float Bound(int fanIn) => 1f / MathF.Sqrt(fanIn);

    private Tensor Forward(Tensor x) => x.MatMul(weight.T) + bias;
}
