namespace LayerGen.Tests.Layers.Gather;

// torch.gather in a forward (issue 16), written as a PyTorch user writes it: the index is an input of int64 ids,
// inferred from its use. Checked against PyTorch (Fixtures/gather_*.json, tools/fixtures/gather_fixtures.py), finite
// differences and the eager path.

/// <summary>k of n scores picked per row: <c>(x * w).gather(-1, index)</c>.</summary>
[Layer(Input = "[*, n]; [*, k]")]
public partial class PickedScores(int n, int k)
{
    [Parameter] Tensor w = Tensor.Randn(n);

    Tensor Forward(Tensor x, Tensor index) => Ops.Tanh((x * w).Gather(-1, index));
}

/// <summary>Positions of the steps picked per feature: <c>torch.gather(x, 1, index) * 2</c> on a rank-3 input.</summary>
[Layer(Input = "[*, steps, d]; [*, k, d]")]
public partial class PickedSteps(int steps, int k, int d)
{
    Tensor Forward(Tensor x, Tensor index) => Ops.Gather(x, 1, index) * 2f;
}
