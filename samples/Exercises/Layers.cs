using LayerGen;

namespace Exercises;

/// <summary>
/// Exercise 1, a tensor reduction layer: y_k = Σ_ij W_ijk x_i x_j for each row x of the batch,
/// with W of shape [inputs, inputs, outputs]. One einsum; the generator turns the equation into
/// loop nests at compile time, and derives the backward (x is used twice, so it gets two terms).
/// </summary>
[Layer]
public partial class TensorReduction(int inputs, int outputs)
{
    [Parameter] private Tensor weight = Tensor.Randn(inputs, inputs, outputs);

    private Tensor Forward(Tensor x) => Ops.Einsum("ijk,bi,bj->bk", weight, x, x);
}

/// <summary>
/// Exercise 2: the first n/2 Fourier coefficients of each row, as torch.fft.fft(x)[..., :n/2]
/// with the real and imaginary parts side by side: [*, n] -> [*, n/2, 2]. No parameter fixes the
/// input's width, so the layer declares it.
/// </summary>
[Layer(Input = "[*, n]")]
public partial class FourierHalf(int n)
{
    private Tensor Forward(Tensor x) => Ops.FftHalf(x);
}
