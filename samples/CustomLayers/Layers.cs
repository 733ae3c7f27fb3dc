using LayerGen;

namespace CustomLayers;

/// <summary>A layer without parameters: subtracts the mean (of every element) from its input.</summary>
[Layer]
public partial class CenteredLayer
{
    private Tensor Forward(Tensor x) => x - x.Mean();
}

/// <summary>A fully connected layer with ReLU, weight [inUnits, units] as in the chapter.</summary>
[Layer]
public partial class MyLinear(int inUnits, int units)
{
    [Parameter] private Tensor weight = Tensor.Randn(inUnits, units);
    [Parameter] private Tensor bias = Tensor.Randn(units);

    private Tensor Forward(Tensor x) => Ops.Relu(x.MatMul(weight) + bias);
}
