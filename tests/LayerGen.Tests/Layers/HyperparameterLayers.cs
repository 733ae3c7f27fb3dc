using System;
using LayerGen;

namespace LayerGen.Tests.Layers.Hyperparameters;

// Layers written as a PyTorch user writes them, with float, double and bool constructor parameters
// (issue 16): each is checked against PyTorch fixtures (hyper_*.json) and finite differences on both kernels.

/// <summary>D2L's dropout MLP: the probability is a constructor parameter.</summary>
[Layer]
public partial class DropoutMlp(int numInputs, int numHiddens, float dropout)
{
    [Parameter] Tensor w1 = Tensor.Randn(numInputs, numHiddens);
    [Parameter] Tensor b1 = Tensor.Randn(numHiddens);

    Tensor Forward(Tensor x) => Ops.Dropout(Ops.Relu(x.MatMul(w1) + b1), dropout);
}

/// <summary>Scaled scores: 1/√d from an int size through MathF, and a float temperature.</summary>
[Layer]
public partial class ScaledScores(int d, int units, float temperature)
{
    [Parameter] Tensor weight = Tensor.Randn(d, units);

    Tensor Forward(Tensor x) => x.MatMul(weight) * (1f / MathF.Sqrt(d)) / temperature;
}

/// <summary>D2L's LayerNorm, with PyTorch's eps as the parameter's default.</summary>
[Layer(Input = "[*, n]")]
public partial class NormWithEps(int n, float eps = 1e-5f)
{
    [Parameter] Tensor gamma = Tensor.Randn(n);
    [Parameter] Tensor beta = Tensor.Randn(n);

    Tensor Forward(Tensor x)
    {
        var mean = x.Mean(-1, keepDim: true);
        var centered = x - mean;
        var variance = (centered * centered).Mean(-1, keepDim: true);
        return gamma * centered / Ops.Sqrt(variance + eps) + beta;
    }
}

/// <summary>
/// Hyperparameters as op arguments — an exponent, clamp bounds, a leaky slope (a double) — a size through
/// <c>Math.Sqrt</c>, and a flag the forward does not read.
/// </summary>
[Layer]
public partial class ShapedActivation(int n, float power, float bound, double slope, bool useBias)
{
    [Parameter] Tensor scale = Tensor.Randn(n);

    Tensor Forward(Tensor x) =>
        Ops.LeakyRelu((x * scale).Clamp(-bound, bound * 2f), (float)slope) + Ops.Abs(x * scale).Pow(power - 0.5f) / (float)Math.Sqrt(n);
}

/// <summary>D2L's softmax regression initialisation: <c>torch.normal(0, 0.01, (num_inputs, num_outputs))</c> as C#.</summary>
[Layer]
public partial class SoftmaxRegression(int numInputs, int numOutputs, float sigma)
{
    [Parameter] Tensor w = Tensor.Randn(numInputs, numOutputs) * sigma;
    [Parameter] Tensor b = Tensor.Zeros(numOutputs) + 0.01f;

    Tensor Forward(Tensor x) => (x.MatMul(w) + b).Softmax(-1);
}
