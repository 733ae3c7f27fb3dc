using System;
using System.Diagnostics;
using System.Threading;

namespace LayerGen;

/// <summary>
/// An optional Keras-style <c>Fit</c> over a <see cref="Trainer"/>: epochs of mini-batches, progress
/// through <see cref="IProgress{T}"/>, an evaluation on held-out data after each epoch, a learning-rate
/// schedule stepped once per epoch.
/// </summary>
/// <remarks>
/// It is the loop a user would write — nothing more:
/// <code>
/// for (int epoch = 1; epoch &lt;= epochs; epoch++)
/// {
///     foreach (MiniBatch batch in train) loss = trainer.Step(batch.Features, batch.Labels);
///     accuracy = evaluate?.Invoke();
///     schedule?.Step();
/// }
/// </code>
/// </remarks>
public static class TrainerFitExtensions
{
    /// <summary>
    /// Trains for <paramref name="epochs"/> passes over <paramref name="train"/>, and returns one
    /// <see cref="TrainingProgress"/> per epoch (its mean training loss and held-out result).
    /// </summary>
    /// <param name="trainer">The model, loss and optimiser; its <see cref="Trainer.MaxRows"/> must hold a full batch.</param>
    /// <param name="train">The training batches: integer labels go to <see cref="Trainer.Step(Tensor, ReadOnlySpan{int})"/>, float targets to <see cref="Trainer.Step(Tensor, Tensor)"/>.</param>
    /// <param name="epochs">Passes over the training data, &gt; 0.</param>
    /// <param name="progress">
    /// Told after every batch (the epoch's loss so far, <see cref="TrainingProgress.HeldOutAccuracy"/>
    /// null), and again after each epoch's evaluation. Called on the training thread: pass a synchronous
    /// <see cref="IProgress{T}"/>, not <see cref="Progress{T}"/>, which would post to the thread pool and
    /// could report out of order.
    /// </param>
    /// <param name="evaluate">Run after each epoch, e.g. <see cref="ClassificationAccuracy.Evaluate"/> over held-out data.</param>
    /// <param name="schedule">Stepped after each epoch (it sets the learning rate of the next one).</param>
    /// <param name="cancellationToken">Checked before each batch.</param>
    /// <returns>The last report of each epoch, in order: <c>result[e].Loss</c> is epoch e+1's mean training loss.</returns>
    /// <exception cref="ArgumentException"><paramref name="train"/>'s batches are larger than the trainer's buffers, or its schedule drives another optimiser.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Past the first epoch, nothing here allocates per batch (the trainer and the batches reuse their buffers).</remarks>
    public static TrainingProgress[] Fit(
        this Trainer trainer,
        MiniBatches train,
        int epochs,
        IProgress<TrainingProgress>? progress = null,
        Func<double>? evaluate = null,
        LearningRateSchedule? schedule = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        if (Math.Min(train.BatchSize, train.SampleCount) > trainer.MaxRows)
        {
            throw new ArgumentException(
                $"Batches of {train.BatchSize} samples do not fit the trainer's buffers of {trainer.MaxRows} rows: make the Trainer with maxRows: {train.BatchSize}.",
                nameof(train));
        }

        if (schedule is not null && !ReferenceEquals(schedule.Optimizer, trainer.Optimizer))
        {
            throw new ArgumentException("The schedule sets the learning rate of another optimiser than the trainer's.", nameof(schedule));
        }

        var history = new TrainingProgress[epochs];
        long start = Stopwatch.GetTimestamp();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            double lossSum = 0;
            int samples = 0;
            TrainingProgress report = default;
            foreach (MiniBatch batch in train)
            {
                cancellationToken.ThrowIfCancellationRequested();
                float loss = train.HasLabels
                    ? trainer.Step(batch.Features, batch.Labels)
                    : trainer.Step(batch.Features, batch.Targets);
                lossSum += (double)loss * batch.Count;
                samples += batch.Count;
                report = new TrainingProgress(epoch, epochs, batch.Index + 1, train.BatchCount, lossSum / samples, Stopwatch.GetElapsedTime(start), null);
                progress?.Report(report);
            }

            if (evaluate is not null)
            {
                report = report with { HeldOutAccuracy = evaluate(), Elapsed = Stopwatch.GetElapsedTime(start) };
                progress?.Report(report);
            }

            history[epoch - 1] = report;
            schedule?.Step();
        }

        return history;
    }
}
