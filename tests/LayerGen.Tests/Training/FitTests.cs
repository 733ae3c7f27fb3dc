using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// <see cref="TrainerFitExtensions.Fit"/>: it is the loop a user would write (same weights, bit for bit),
/// reports every batch in order, evaluates and steps the schedule once per epoch, and allocates nothing per batch.
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // builds twins from one seed: no other test may draw in between
public class FitTests
{
    private const int Features = 4;
    private const int Classes = 3;

    /// <summary>Three blobs in 4-D, n samples, made from a seeded stream (no global state).</summary>
    internal static (float[] Features, int[] Labels) Blobs(int n, int seed)
    {
        var random = new Random(seed);
        var features = new float[n * Features];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % Classes;
            for (int f = 0; f < Features; f++)
            {
                float centre = f == labels[i] ? 2f : 0f;
                features[i * Features + f] = centre + (float)(random.NextDouble() - 0.5);
            }
        }

        return (features, labels);
    }

    private static Trainer NewTrainer(ulong seed, int maxRows, double learningRate = 1e-2)
    {
        Tensor.ManualSeed(seed);
        var model = new Sequential(new Linear(Features, 8), new ReLU(), new Linear(8, Classes));
        return new Trainer(model, new CrossEntropyLoss(Classes), new Adam(model.Parameters(), learningRate), maxRows);
    }

    private sealed class Recorder : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public Action<TrainingProgress>? Then { get; init; }

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            Then?.Invoke(value);
        }
    }

    [Fact]
    public void Fit_gives_the_same_weights_and_losses_as_the_loop_written_by_hand()
    {
        var (x, y) = Blobs(50, seed: 1);
        var byHand = NewTrainer(7, maxRows: 8);
        var batches = new MiniBatches(x, Features, y, batchSize: 8, shuffleSeed: 3);
        var epochLosses = new List<double>();
        for (int epoch = 0; epoch < 4; epoch++)
        {
            double sum = 0;
            foreach (MiniBatch batch in batches)
            {
                sum += byHand.Step(batch.Features, batch.Labels) * (double)batch.Count;
            }

            epochLosses.Add(sum / 50);
        }

        var fitted = NewTrainer(7, maxRows: 8);
        TrainingProgress[] history = fitted.Fit(new MiniBatches(x, Features, y, batchSize: 8, shuffleSeed: 3), epochs: 4);

        Assert.Equal(byHand.Model.Parameters().SelectMany(p => p.Data), fitted.Model.Parameters().SelectMany(p => p.Data));
        Assert.Equal(epochLosses, history.Select(h => h.Loss));
        Assert.Equal([1, 2, 3, 4], history.Select(h => h.Epoch));
        Assert.All(history, h => Assert.Null(h.HeldOutAccuracy));
    }

    [Fact]
    public void Progress_comes_after_every_batch_in_order_then_after_each_evaluation()
    {
        var (x, y) = Blobs(20, seed: 2);
        var trainer = NewTrainer(1, maxRows: 8);
        var batches = new MiniBatches(x, Features, y, batchSize: 8); // 8 + 8 + 4
        int evaluations = 0;
        var recorder = new Recorder();

        TrainingProgress[] history = trainer.Fit(batches, epochs: 2, recorder, evaluate: () => 0.25 * ++evaluations);

        Assert.Equal(2, evaluations);
        Assert.Equal(
            [(1, 1, null), (1, 2, null), (1, 3, null), (1, 3, 0.25), (2, 1, null), (2, 2, null), (2, 3, null), (2, 3, 0.5)],
            recorder.Reports.Select(r => (r.Epoch, r.Batch, r.HeldOutAccuracy)));
        Assert.All(recorder.Reports, r => Assert.Equal((2, 3), (r.Epochs, r.Batches)));
        Assert.True(recorder.Reports.Zip(recorder.Reports.Skip(1)).All(pair => pair.First.Elapsed <= pair.Second.Elapsed));
        Assert.Equal([recorder.Reports[3], recorder.Reports[7]], history);
        Assert.True(history[0].EpochCompleted);
        Assert.False(recorder.Reports[0].EpochCompleted);
    }

    [Fact]
    public void The_reported_loss_is_the_epochs_mean_so_far_weighted_by_batch_size()
    {
        var (x, y) = Blobs(20, seed: 3);
        var twin = NewTrainer(5, maxRows: 8);
        var losses = new List<(float Loss, int Count)>();
        foreach (MiniBatch batch in new MiniBatches(x, Features, y, batchSize: 8))
        {
            losses.Add((twin.Step(batch.Features, batch.Labels), batch.Count));
        }

        var recorder = new Recorder();
        NewTrainer(5, maxRows: 8).Fit(new MiniBatches(x, Features, y, batchSize: 8), epochs: 1, recorder);

        Assert.Equal(losses[0].Loss, recorder.Reports[0].Loss, 12);
        Assert.Equal((losses[0].Loss * 8.0 + losses[1].Loss * 8.0) / 16, recorder.Reports[1].Loss, 12);
        Assert.Equal((losses[0].Loss * 8.0 + losses[1].Loss * 8.0 + losses[2].Loss * 4.0) / 20, recorder.Reports[2].Loss, 12);
    }

    [Fact]
    public void The_schedule_steps_once_per_epoch()
    {
        var (x, y) = Blobs(20, seed: 4);
        var trainer = NewTrainer(1, maxRows: 10, learningRate: 0.1);
        var schedule = new StepLR(trainer.Optimizer, stepSize: 1, gamma: 0.5);
        var rates = new List<double>();
        var recorder = new Recorder { Then = _ => rates.Add(trainer.Optimizer.LearningRate) };

        trainer.Fit(new MiniBatches(x, Features, y, batchSize: 10), epochs: 3, recorder, schedule: schedule);

        Assert.Equal([0.1, 0.1, 0.05, 0.05, 0.025, 0.025], rates);
        Assert.Equal(3, schedule.Epoch);
        Assert.Equal(0.0125, trainer.Optimizer.LearningRate);
    }

    [Fact]
    public void Fit_trains_regression_batches_with_float_targets()
    {
        Tensor.ManualSeed(11);
        var model = new Linear(2, 1);
        var trainer = new Trainer(model, new MseLoss(), new Adam(model.Parameters(), 0.05), maxRows: 16);
        var x = new float[64 * 2];
        var t = new float[64];
        var random = new Random(1);
        for (int i = 0; i < 64; i++)
        {
            x[2 * i] = (float)random.NextDouble();
            x[2 * i + 1] = (float)random.NextDouble();
            t[i] = 3 * x[2 * i] - 2 * x[2 * i + 1] + 1;
        }

        TrainingProgress[] history = trainer.Fit(new MiniBatches(x, 2, t, 1, batchSize: 16, shuffleSeed: 1), epochs: 200);

        Assert.True(history[^1].Loss < 1e-3 * history[0].Loss, $"loss went from {history[0].Loss} to {history[^1].Loss}");
    }

    [Fact]
    public void Per_batch_work_allocates_nothing()
    {
        // The same data and epochs, cut into 4 or 40 batches: Fit must allocate the same.
        var (x, y) = Blobs(80, seed: 5);
        long Allocated(int batchSize)
        {
            var trainer = NewTrainer(1, maxRows: batchSize);
            var batches = new MiniBatches(x, Features, y, batchSize);
            var accuracy = new ClassificationAccuracy(trainer.Model, x, y);
            var recorder = new NullProgress();
            Func<double> evaluate = accuracy.Evaluate;
            trainer.Fit(batches, epochs: 2, recorder, evaluate); // warm-up
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Fit(batches, epochs: 3, recorder, evaluate);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Allocated(2);
        Allocated(20);
        Assert.Equal(Allocated(20), Allocated(2));
    }

    private sealed class NullProgress : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
        }
    }

    [Fact]
    public void Cancellation_stops_before_the_next_batch()
    {
        var (x, y) = Blobs(40, seed: 6);
        var trainer = NewTrainer(1, maxRows: 8);
        using var cancel = new CancellationTokenSource();
        var recorder = new Recorder { Then = r => { if (r.Batch == 2) cancel.Cancel(); } };

        Assert.Throws<OperationCanceledException>(() =>
            trainer.Fit(new MiniBatches(x, Features, y, batchSize: 8), epochs: 5, recorder, cancellationToken: cancel.Token));
        Assert.Equal(2, recorder.Reports.Count);
    }

    [Fact]
    public void Arguments_are_checked_before_training()
    {
        var (x, y) = Blobs(20, seed: 7);
        var trainer = NewTrainer(1, maxRows: 4);
        var other = new Sgd(new Linear(1, 1).Parameters(), 0.1);

        var tooLarge = Assert.Throws<ArgumentException>(() => trainer.Fit(new MiniBatches(x, Features, y, batchSize: 8), epochs: 1));
        Assert.Contains("maxRows: 8", tooLarge.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() =>
            trainer.Fit(new MiniBatches(x, Features, y, batchSize: 4), epochs: 1, schedule: new StepLR(other, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(new MiniBatches(x, Features, y, batchSize: 4), epochs: 0));

        // A data set smaller than maxRows is one small batch, which fits.
        var (small, smallLabels) = Blobs(3, seed: 8);
        Assert.Single(trainer.Fit(new MiniBatches(small, Features, smallLabels, batchSize: 8), epochs: 1));
    }
}
