namespace LayerGen;

/// <summary>max(x, 0) element-wise, as <c>torch.nn.ReLU</c>. A [Layer] compiled by LayerGen's own generator.</summary>
[Layer]
public partial class ReLU
{
    private Tensor Forward(Tensor x) => Ops.Relu(x);
}
