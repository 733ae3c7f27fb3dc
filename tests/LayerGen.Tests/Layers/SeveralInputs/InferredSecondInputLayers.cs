namespace LayerGen.Tests.Layers.SeveralInputs;

/// <summary>
/// A second input nothing declares, pinned by its use with the first (issue 16): in <c>x W + y</c>, <c>x</c> is
/// <c>[*, inUnits]</c> by the product and <c>y</c> is <c>[*, units]</c> by the sum, as an undeclared first input is by its uses.
/// </summary>
[Layer]
public partial class ProjectedSum(int inUnits, int units)
{
    [Parameter] Tensor weight = Tensor.Randn(inUnits, units);

    Tensor Forward(Tensor x, Tensor y) => x.MatMul(weight) + y;
}

/// <summary>
/// The second input's axis read before anything pins it (<c>y.Mean(-1, keepDim: true)</c>), pinned later through the first
/// input, which a parameter pins: both are <c>[*, d]</c> once every use is unified.
/// </summary>
[Layer]
public partial class GatedCentred(int d)
{
    [Parameter] Tensor gate = Tensor.Randn(d);

    Tensor Forward(Tensor x, Tensor y)
    {
        var centred = y - y.Mean(-1, keepDim: true);
        return Ops.Sigmoid(x * gate) * centred;
    }
}
