using LayerGen;

namespace LayerGen.Benchmarks.Layers;

// The chapter's and the exercises' layers, copied from samples/CustomLayers/Layers.cs and
// tests/LayerGen.Tests/Layers/ExerciseLayers.cs: a [Layer] gets constant-size kernels for the
// constructions with constant sizes that the generator finds in the project compiling it, so the
// benchmark project defines its own (and constructs them with constant sizes, in Cases/).

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
