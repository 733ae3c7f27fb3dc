using LayerGen;

namespace LayerGen.Tests.Layers.Buffers;

/// <summary>
/// D2L's batch normalisation (section 8.5), written as a layer with PyTorch's names and semantics so a
/// <c>nn.BatchNorm1d</c> state dict loads into it: in training mode, normalise by the batch's mean and biased variance
/// and move the running statistics toward the batch's (the unbiased variance into <c>running_var</c>); in eval mode,
/// normalise by the running statistics.
/// </summary>
[Layer(Input = "[*, numFeatures]")]
public partial class BatchNorm1d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f)
{
    [Parameter] Tensor weight = Tensor.Ones(numFeatures);
    [Parameter] Tensor bias = Tensor.Zeros(numFeatures);
    [Buffer] Tensor runningMean = Tensor.Zeros(numFeatures);
    [Buffer] Tensor runningVar = Tensor.Ones(numFeatures);

    Tensor Forward(Tensor x)
    {
        var xHat = x;
        if (Training)
        {
            var mean = x.Mean(0);
            var centered = x - mean;
            var variance = (centered * centered).Mean(0);
            xHat = centered / Ops.Sqrt(variance + eps);
            var unbiased = (centered * centered).Sum(0) / (x.Size(0) - 1);
            runningMean = (1 - momentum) * runningMean + momentum * mean;
            runningVar = (1 - momentum) * runningVar + momentum * unbiased;
        }
        else
        {
            xHat = (x - runningMean) / Ops.Sqrt(runningVar + eps);
        }

        return weight * xHat + bias;
    }
}
