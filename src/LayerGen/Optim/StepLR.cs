using System;

namespace LayerGen;

/// <summary>
/// Multiplies the learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> epochs, like
/// <c>torch.optim.lr_scheduler.StepLR</c>: <c>lr(epoch) = base * gamma^(epoch / stepSize)</c> (integer division).
/// </summary>
public sealed class StepLR : LearningRateSchedule
{
    /// <summary>Attaches the schedule to <paramref name="optimizer"/>.</summary>
    /// <param name="optimizer">Whose rate to set; its current rate is the base rate.</param>
    /// <param name="stepSize">Epochs between decays, &gt; 0.</param>
    /// <param name="gamma">The factor applied at each decay (PyTorch's default 0.1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is not positive, or <paramref name="gamma"/> is negative or not finite.</exception>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        OptimArguments.NonNegative(gamma, nameof(gamma), "gamma");
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>The factor applied at each decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double LearningRateAt(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return BaseLearningRate * Math.Pow(Gamma, epoch / StepSize);
    }
}
