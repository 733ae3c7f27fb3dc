using System;

namespace LayerGen;

/// <summary>
/// Where a <see cref="TrainerFitExtensions.Fit"/> run stands, reported after every batch and returned
/// once per epoch.
/// </summary>
/// <param name="Epoch">The epoch, from 1 to <paramref name="Epochs"/>.</param>
/// <param name="Epochs">How many epochs the run has.</param>
/// <param name="Batch">Batches done in this epoch, from 1 to <paramref name="Batches"/>.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">The epoch's training loss so far: the mean of its batch losses, each weighted by its number of samples.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="HeldOutAccuracy">
/// What the run's <c>evaluate</c> function returned after this epoch; null before the epoch's last
/// batch is done, and when there is no such function.
/// </param>
/// <remarks>A struct, so reporting progress after every batch allocates nothing.</remarks>
public readonly record struct TrainingProgress(
    int Epoch,
    int Epochs,
    int Batch,
    int Batches,
    double Loss,
    TimeSpan Elapsed,
    double? HeldOutAccuracy)
{
    /// <summary>Whether this is the end of an epoch (its last batch is done).</summary>
    public bool EpochCompleted => Batch == Batches;
}
