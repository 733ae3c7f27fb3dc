using System;

namespace LayerGen;

/// <summary>
/// Anneals the learning rate from the base rate to <see cref="MinLearningRate"/> along half a cosine over
/// <see cref="MaxEpochs"/> epochs, like <c>torch.optim.lr_scheduler.CosineAnnealingLR</c> (SGDR without restarts):
/// <c>lr(epoch) = etaMin + (base - etaMin) * (1 + cos(pi * epoch / tMax)) / 2</c>.
/// </summary>
/// <remarks>
/// This is PyTorch's closed form; its <c>step()</c> uses an equivalent recursion. Past
/// <see cref="MaxEpochs"/> the cosine continues, so the rate rises again towards the base rate at
/// 2 * tMax, as in PyTorch.
/// </remarks>
public sealed class CosineAnnealingLR : LearningRateSchedule
{
    /// <summary>Attaches the schedule to <paramref name="optimizer"/>.</summary>
    /// <param name="optimizer">Whose rate to set; its current rate is the base rate.</param>
    /// <param name="tMax">Epochs from the base rate to the minimum, &gt; 0 (PyTorch's <c>T_max</c>).</param>
    /// <param name="etaMin">The minimum rate (PyTorch's <c>eta_min</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tMax"/> is not positive, or <paramref name="etaMin"/> is negative or not finite.</exception>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tMax);
        OptimArguments.NonNegative(etaMin, nameof(etaMin), "eta_min");
        MaxEpochs = tMax;
        MinLearningRate = etaMin;
    }

    /// <summary>Epochs from the base rate to the minimum (PyTorch's <c>T_max</c>).</summary>
    public int MaxEpochs { get; }

    /// <summary>The minimum rate (PyTorch's <c>eta_min</c>).</summary>
    public double MinLearningRate { get; }

    /// <inheritdoc/>
    public override double LearningRateAt(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return MinLearningRate + (BaseLearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * epoch / MaxEpochs)) / 2;
    }
}
