using System;
using System.IO;
using System.Linq;
using Digits;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The Digits sample (samples/Digits), shortened: its data loader and model (linked into this project)
/// on the real UCI digits, trained for a few epochs instead of thirty.
/// </summary>
public class DigitsTrainingTests
{
    private static readonly DigitsData All = DigitsData.Load(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));

    [Fact]
    public void The_data_are_1797_images_of_64_pixels_0_to_16_with_every_digit()
    {
        Assert.Equal(1797, All.Count);
        Assert.Equal(1797 * 64, All.Features.Length);
        Assert.Equal((0f, 16f), (All.Features.Min(), All.Features.Max()));
        Assert.All(All.Features, v => Assert.Equal(MathF.Round(v), v));
        Assert.All(Enumerable.Range(0, 10), d => Assert.InRange(All.Labels.Count(l => l == d), 170, 190));
    }

    [Fact]
    public void The_split_is_80_20_seeded_and_loses_no_image()
    {
        var (train, heldOut) = All.Split(0.2, seed: 0);
        var (train2, heldOut2) = All.Split(0.2, seed: 0);
        var (train3, _) = All.Split(0.2, seed: 1);

        Assert.Equal((1438, 359), (train.Count, heldOut.Count));
        Assert.Equal(train.Features, train2.Features);
        Assert.Equal(heldOut.Labels, heldOut2.Labels);
        Assert.NotEqual(train.Labels, train3.Labels);

        // Every image lands on exactly one side: the multisets of rows are the same.
        string Row(DigitsData d, int r) => string.Join(",", d.Features.Skip(r * 64).Take(64)) + ":" + d.Labels[r];
        var before = Enumerable.Range(0, All.Count).Select(r => Row(All, r)).Order(StringComparer.Ordinal);
        var after = Enumerable.Range(0, train.Count).Select(r => Row(train, r))
            .Concat(Enumerable.Range(0, heldOut.Count).Select(r => Row(heldOut, r))).Order(StringComparer.Ordinal);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Standardised_training_pixels_have_mean_0_and_std_1()
    {
        var (train, heldOut) = All.Split(0.2, seed: 0);
        var standardiser = new Standardiser(train);
        DigitsData scaled = standardiser.Apply(train);
        for (int p = 0; p < 64; p++)
        {
            double[] column = Enumerable.Range(0, scaled.Count).Select(r => (double)scaled.Features[r * 64 + p]).ToArray();
            double mean = column.Average();
            double std = Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Average());
            Assert.Equal(0, mean, 4);
            if (std > 0)
            {
                Assert.Equal(1, std, 3);
            }
        }

        Assert.Equal(heldOut.Labels, standardiser.Apply(heldOut).Labels);
    }

    [Fact]
    public void A_few_epochs_reach_90_percent_held_out_and_survive_safetensors()
    {
        var (rawTrain, rawHeldOut) = All.Split(0.2, seed: 0);
        var standardiser = new Standardiser(rawTrain);
        DigitsData train = standardiser.Apply(rawTrain), heldOut = standardiser.Apply(rawHeldOut);

        Tensor.ManualSeed(0);
        var model = new DigitsMlp(64, 64, 10);
        var trainer = new Trainer(model, new CrossEntropyLoss(10), new Adam(model.Parameters(), 1e-2, weightDecay: 1e-3), maxRows: 32);
        var batches = new MiniBatches(train.Features, 64, train.Labels, batchSize: 32, shuffleSeed: 0);
        var accuracy = new ClassificationAccuracy(model, heldOut.Features, heldOut.Labels);

        TrainingProgress[] history = trainer.Fit(batches, epochs: 4, evaluate: accuracy.Evaluate);

        double reached = history[^1].HeldOutAccuracy!.Value;
        Assert.True(reached >= 0.90, $"held-out accuracy after {history.Length} epochs: {reached:P2}");
        Assert.True(history[^1].Loss < history[0].Loss / 4, $"training loss went from {history[0].Loss} to {history[^1].Loss}");
        Assert.StartsWith("DigitsMlp[inputs=64, hidden=64, classes=10]", model.KernelName, StringComparison.Ordinal);

        string path = Path.Combine(Path.GetTempPath(), $"digits-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(model, path);
            var reloaded = new DigitsMlp(64, 64, 10);
            SafeTensors.Load(reloaded, path);
            Assert.Equal(reached, new ClassificationAccuracy(reloaded, heldOut.Features, heldOut.Labels).Evaluate());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
