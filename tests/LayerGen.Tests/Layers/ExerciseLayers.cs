using LayerGen;

namespace LayerGen.Tests.Layers.Exercises;

/// <summary>Exercise 1: y_k = Σ_ij W_ijk x_i x_j, batched, as one einsum.</summary>
[Layer]
public partial class TensorReduction(int inputs, int outputs)
{
    [Parameter] private Tensor weight = Tensor.Randn(inputs, inputs, outputs);

    private Tensor Forward(Tensor x) => Ops.Einsum("ijk,bi,bj->bk", weight, x, x);
}

/// <summary>Exercise 2: the first n/2 Fourier coefficients of each row, as (real, imaginary) pairs.</summary>
[Layer(Input = "[*, n]")]
public partial class FourierHalf(int n)
{
    private Tensor Forward(Tensor x) => Ops.FftHalf(x);
}
