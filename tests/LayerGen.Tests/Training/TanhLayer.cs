using LayerGen;

namespace LayerGen.Tests.Training;

/// <summary>tanh as a [Layer], so the optimiser fixtures' net runs generated kernels end to end.</summary>
[Layer]
public partial class TanhLayer
{
    private Tensor Forward(Tensor x) => Ops.Tanh(x);
}
