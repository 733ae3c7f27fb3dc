using LayerGen;

namespace LayerGen.Tests.Parameters;

/// <summary>
/// MyLinear with <see cref="Init"/> factories as [Parameter] initialisers: the generator reads each shape
/// from the trailing <c>params int[] shape</c> arguments. The weight is [inUnits, units] (the chapter's
/// layout), so Kaiming scales by <see cref="FanMode.FanOut"/>, which for this layout is the real fan-in.
/// </summary>
[Layer]
public partial class KaimingLinear(int inUnits, int units)
{
    [Parameter] private Tensor weight = Init.KaimingUniform(new KaimingOptions(Mode: FanMode.FanOut, Nonlinearity: Nonlinearity.Relu), inUnits, units);
    [Parameter] private Tensor bias = Init.Zeros(units);

    private Tensor Forward(Tensor x) => Ops.Relu(x.MatMul(weight) + bias);
}

/// <summary>A layer initialised with a gain-first Xavier factory and a constant bias.</summary>
[Layer]
public partial class XavierTanhLinear(int inUnits, int units)
{
    [Parameter] private Tensor weight = Init.XavierNormal(Init.CalculateGain(Nonlinearity.Tanh), inUnits, units);
    [Parameter] private Tensor bias = Init.Constant(0.1f, units);

    private Tensor Forward(Tensor x) => Ops.Tanh(x.MatMul(weight) + bias);
}
