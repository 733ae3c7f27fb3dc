namespace LayerGen;

/// <summary>tanh(x) element-wise, as <c>torch.nn.Tanh</c>. A [Layer] compiled by LayerGen's own generator.</summary>
[Layer]
public partial class Tanh
{
    private Tensor Forward(Tensor x) => Ops.Tanh(x);
}

/// <summary>1/(1 + e^−x) element-wise, as <c>torch.nn.Sigmoid</c>. A [Layer] compiled by LayerGen's own generator.</summary>
[Layer]
public partial class Sigmoid
{
    private Tensor Forward(Tensor x) => Ops.Sigmoid(x);
}
