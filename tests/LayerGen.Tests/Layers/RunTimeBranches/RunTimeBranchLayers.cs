using LayerGen;

namespace LayerGen.Tests.Layers.RunTimeBranches;

/// <summary>PyTorch's <c>nonlinearity='tanh'|'relu'</c> (nn.RNN's argument), as a C# enum.</summary>
public enum Nonlinearity
{
    Tanh,
    Relu,
}

/// <summary>A linear layer whose nonlinearity is an enum hyperparameter, returning early on one branch.</summary>
[Layer]
public partial class Activated(int inUnits, int units, Nonlinearity nonlinearity)
{
    [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
    [Parameter] Tensor bias = Tensor.Randn(units);

    Tensor Forward(Tensor x)
    {
        var h = x.MatMul(weight) + bias;
        if (nonlinearity == Nonlinearity.Relu)
        {
            return Ops.Relu(h);
        }

        return Ops.Tanh(h);
    }
}

/// <summary>The same choice by a bool, with the early return on the other branch.</summary>
[Layer]
public partial class Flagged(int inUnits, int units, bool useTanh)
{
    [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
    [Parameter] Tensor bias = Tensor.Randn(units);

    Tensor Forward(Tensor x)
    {
        var h = x.MatMul(weight) + bias;
        if (!useTanh) return Ops.Relu(h);
        var squashed = Ops.Tanh(h);
        return squashed * 2f;
    }
}

/// <summary>
/// D2L's batch normalisation written with an early return in eval mode, as many write it: the training path updates the
/// running statistics after the return of the eval path.
/// </summary>
[Layer(Input = "[*, numFeatures]")]
public partial class EarlyReturnBatchNorm1d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f)
{
    [Parameter] Tensor weight = Tensor.Ones(numFeatures);
    [Parameter] Tensor bias = Tensor.Zeros(numFeatures);
    [Buffer] Tensor runningMean = Tensor.Zeros(numFeatures);
    [Buffer] Tensor runningVar = Tensor.Ones(numFeatures);

    Tensor Forward(Tensor x)
    {
        if (!Training)
        {
            return weight * ((x - runningMean) / Ops.Sqrt(runningVar + eps)) + bias;
        }

        var mean = x.Mean(0);
        var centered = x - mean;
        var variance = (centered * centered).Mean(0);
        runningMean = (1 - momentum) * runningMean + momentum * mean;
        runningVar = (1 - momentum) * runningVar + momentum * ((centered * centered).Sum(0) / (x.Size(0) - 1));
        return weight * (centered / Ops.Sqrt(variance + eps)) + bias;
    }
}
