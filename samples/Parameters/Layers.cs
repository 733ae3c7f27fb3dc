using LayerGen;

namespace Parameters;

/// <summary>
/// A layer that chooses its own initialisation: any static factory whose last parameter is
/// <c>params int[] shape</c> can initialise a [Parameter], and the generator reads the shape from it.
/// The weight is [inUnits, units], so Kaiming's PyTorch-style fan-in (dimension 1) would be
/// <c>units</c>; <see cref="FanMode.FanOut"/> scales by dimension 0, the real number of inputs.
/// </summary>
[Layer]
public partial class HeLinear(int inUnits, int units)
{
    [Parameter] private Tensor weight = Init.KaimingUniform(new KaimingOptions(Mode: FanMode.FanOut, Nonlinearity: Nonlinearity.Relu), inUnits, units);
    [Parameter] private Tensor bias = Init.Zeros(units);

    private Tensor Forward(Tensor x) => Ops.Relu(x.MatMul(weight) + bias);
}
