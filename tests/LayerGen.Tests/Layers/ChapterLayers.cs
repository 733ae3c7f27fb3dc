using LayerGen;

namespace LayerGen.Tests.Layers;

/// <summary>The chapter's parameter-free layer: subtracts the mean of all elements.</summary>
[Layer]
public partial class CenteredLayer
{
    private Tensor Forward(Tensor x) => x - x.Mean();
}

/// <summary>The chapter's linear layer with ReLU; weight is [inUnits, units] as in the chapter.</summary>
[Layer]
public partial class MyLinear(int inUnits, int units)
{
    [Parameter] private Tensor weight = Tensor.Randn(inUnits, units);
    [Parameter] private Tensor bias = Tensor.Randn(units);

    private Tensor Forward(Tensor x) => Ops.Relu(x.MatMul(weight) + bias);
}

/// <summary>Constructions with constant sizes: each gets a kernel with constant loop bounds.</summary>
internal static class ChapterSpecialisations
{
    public static MyLinear Small() => new MyLinear(5, 3);

    public static MyLinear Hidden() => new(64, 8);
}
