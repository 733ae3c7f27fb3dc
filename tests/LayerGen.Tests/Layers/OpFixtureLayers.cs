using LayerGen;

namespace LayerGen.Tests.Layers.OpFixtures;

// One [Layer] per single-op libtorch fixture (op_*.json), so each op is checked through its generated kernels.

[Layer]
public partial class ReluOp
{
    private Tensor Forward(Tensor x) => Ops.Relu(x);
}

[Layer]
public partial class TanhOp
{
    private Tensor Forward(Tensor x) => Ops.Tanh(x);
}

[Layer]
public partial class SigmoidOp
{
    private Tensor Forward(Tensor x) => Ops.Sigmoid(x);
}

[Layer]
public partial class ExpOp
{
    private Tensor Forward(Tensor x) => Ops.Exp(x);
}

[Layer]
public partial class SquareOp
{
    private Tensor Forward(Tensor x) => x * x;
}

/// <summary>Sums the last axis; its input shape is declared because no parameter pins it.</summary>
[Layer(Input = "[*, n]")]
public partial class SumLastOp(int n)
{
    private Tensor Forward(Tensor x) => x.Sum(-1);
}

[Layer(Input = "[*, n]")]
public partial class MeanLastOp(int n)
{
    private Tensor Forward(Tensor x) => x.Mean(-1);
}
