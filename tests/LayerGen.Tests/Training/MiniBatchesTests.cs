using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>The mini-batch iterator: coverage, seeded order, drop-last, the targets variant, no allocation.</summary>
public sealed class MiniBatchesTests
{
    private const int F = 3;

    // Sample i has features [i, i + 0.25, i + 0.5], label 1000 + i and targets [-i, 2i].
    private static (float[] Features, int[] Labels, float[] Targets) Data(int n)
    {
        var features = new float[n * F];
        var labels = new int[n];
        var targets = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < F; j++)
            {
                features[i * F + j] = i + 0.25f * j;
            }

            labels[i] = 1000 + i;
            targets[2 * i] = -i;
            targets[2 * i + 1] = 2 * i;
        }

        return (features, labels, targets);
    }

    // One epoch's sample order, checking that every batch's rows agree with its sample indices.
    private static List<int> Epoch(MiniBatches batches)
    {
        var order = new List<int>();
        int expectedIndex = 0;
        foreach (MiniBatch batch in batches)
        {
            Assert.Equal(expectedIndex++, batch.Index);
            Assert.Equal([batch.Count, F], batch.Features.Shape.ToArray());
            for (int r = 0; r < batch.Count; r++)
            {
                int sample = batch.SampleIndices[r];
                Assert.Equal(sample + 0.5f, batch.Features[r, 2]);
                if (batches.HasLabels)
                {
                    Assert.Equal(1000 + sample, batch.Labels[r]);
                }
                else
                {
                    Assert.Equal(2f * sample, batch.Targets[r, 1]);
                }

                order.Add(sample);
            }
        }

        Assert.Equal(batches.BatchCount, expectedIndex);
        return order;
    }

    [Fact]
    public void Every_sample_comes_once_per_epoch_in_batches_of_the_batch_size()
    {
        (float[] x, int[] y, _) = Data(103);
        var batches = new MiniBatches(x, F, y, batchSize: 10, shuffleSeed: 5);
        Assert.Equal(11, batches.BatchCount);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            List<int> order = Epoch(batches);
            Assert.Equal(Enumerable.Range(0, 103), order.Order());
            Assert.NotEqual(Enumerable.Range(0, 103), order);
        }

        var sizes = new List<int>();
        foreach (MiniBatch batch in batches)
        {
            sizes.Add(batch.Count);
            Assert.Equal(batch.Count, batch.Labels.Length);
        }

        Assert.Equal([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3], sizes);
    }

    [Fact]
    public void Without_a_seed_the_order_is_the_data_sets()
    {
        (float[] x, int[] y, _) = Data(7);
        var batches = new MiniBatches(x, F, y, batchSize: 3);
        Assert.Equal(Enumerable.Range(0, 7), Epoch(batches));
        Assert.Equal(Enumerable.Range(0, 7), Epoch(batches));
    }

    [Fact]
    public void The_same_seed_gives_the_same_orders_and_another_seed_other_orders()
    {
        (float[] x, int[] y, _) = Data(50);
        var a = new MiniBatches(x, F, y, 8, shuffleSeed: 42);
        var b = new MiniBatches(x, F, y, 8, shuffleSeed: 42);
        var c = new MiniBatches(x, F, y, 8, shuffleSeed: 43);
        List<int> a0 = Epoch(a), a1 = Epoch(a);
        Assert.Equal(a0, Epoch(b));
        Assert.Equal(a1, Epoch(b));
        Assert.NotEqual(a0, a1); // each epoch is shuffled anew
        Assert.NotEqual(a0, Epoch(c));
        Assert.NotEqual(a1, Epoch(c));

        // An epoch's order depends only on the seed and the epoch number, so a run can resume.
        var resumed = new MiniBatches(x, F, y, 8, shuffleSeed: 42) { NextEpoch = 1 };
        Assert.Equal(a1, Epoch(resumed));
        Assert.Equal(2, resumed.NextEpoch);
    }

    [Fact]
    public void The_shuffle_is_pinned()
    {
        // Guards the algorithm (seeding, xoshiro256**, Lemire bounded draws, Fisher–Yates): a seeded
        // training run must keep its batch order across versions of LayerGen.
        (float[] x, int[] y, _) = Data(10);
        var batches = new MiniBatches(x, F, y, 10, shuffleSeed: 2024);
        Assert.Equal(PinnedEpoch0, Epoch(batches));
        Assert.Equal(PinnedEpoch1, Epoch(batches));
    }

    private static readonly int[] PinnedEpoch0 = [1, 0, 9, 3, 6, 8, 4, 5, 7, 2];
    private static readonly int[] PinnedEpoch1 = [4, 9, 1, 7, 2, 0, 6, 5, 3, 8];

    [Fact]
    public void Shuffled_positions_are_uniform()
    {
        // Where sample 0 lands over 4000 epochs of 5 samples: each position ~800 times (sd ~25).
        (float[] x, int[] y, _) = Data(5);
        var batches = new MiniBatches(x, F, y, 5, shuffleSeed: 9);
        var counts = new int[5];
        for (int epoch = 0; epoch < 4000; epoch++)
        {
            foreach (MiniBatch batch in batches)
            {
                counts[batch.SampleIndices.IndexOf(0)]++;
            }
        }

        Assert.All(counts, count => Assert.InRange(count, 700, 900));
    }

    [Fact]
    public void Drop_last_drops_only_a_partial_last_batch()
    {
        (float[] x, int[] y, _) = Data(23);
        var dropping = new MiniBatches(x, F, y, batchSize: 5, shuffleSeed: 1, dropLast: true);
        Assert.Equal(4, dropping.BatchCount);
        List<int> order = Epoch(dropping);
        Assert.Equal(20, order.Count);
        Assert.Equal(20, order.Distinct().Count());

        var exact = new MiniBatches(x.AsMemory(0, 20 * F), F, y.AsMemory(0, 20), batchSize: 5, dropLast: true);
        Assert.Equal(4, exact.BatchCount);
        Assert.Equal(0, new MiniBatches(x, F, y, batchSize: 30, dropLast: true).BatchCount);
        Assert.Equal(1, new MiniBatches(x, F, y, batchSize: 30).BatchCount);
    }

    [Fact]
    public void Float_targets_come_as_a_tensor_of_the_batch()
    {
        (float[] x, _, float[] t) = Data(9);
        var batches = new MiniBatches(x, F, t, targetCount: 2, batchSize: 4, shuffleSeed: 3);
        Assert.False(batches.HasLabels);
        Assert.Equal(3, batches.BatchCount);
        Assert.Equal(Enumerable.Range(0, 9), Epoch(batches).Order());
        foreach (MiniBatch batch in batches)
        {
            Assert.Equal([batch.Count, 2], batch.Targets.Shape.ToArray());
            Assert.Equal(-batch.SampleIndices[0], batch.Targets[0, 0]);
            Assert.Throws<InvalidOperationException>(() => batch.Labels);
        }
    }

    [Fact]
    public void Full_batches_reuse_one_buffer_and_a_partial_last_batch_its_own()
    {
        (float[] x, int[] y, _) = Data(11);
        var batches = new MiniBatches(x, F, y, batchSize: 4, shuffleSeed: 8);
        var seen = new List<Tensor>();
        foreach (MiniBatch batch in batches)
        {
            seen.Add(batch.Features);
        }

        Assert.Same(seen[0], seen[1]);
        Assert.NotSame(seen[0], seen[2]);
        Assert.Equal([3, F], seen[2].Shape.ToArray());
        Assert.False(seen[0].RequiresGrad);
    }

    [Fact]
    public void A_warm_epoch_allocates_nothing()
    {
        (float[] x, int[] y, float[] t) = Data(103);
        var labelled = new MiniBatches(x, F, y, batchSize: 10, shuffleSeed: 5);
        var regression = new MiniBatches(x, F, t, 2, batchSize: 16, shuffleSeed: 6);
        double sink = RunEpochs(labelled, regression, 1);

        long before = GC.GetAllocatedBytesForCurrentThread();
        sink += RunEpochs(labelled, regression, 3);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, sink);
    }

    private static double RunEpochs(MiniBatches labelled, MiniBatches regression, int epochs)
    {
        double sum = 0;
        for (int e = 0; e < epochs; e++)
        {
            foreach (MiniBatch batch in labelled)
            {
                sum += batch.Features.Data[0] + batch.Labels[^1] + batch.SampleIndices[0] + batch.Count;
            }

            foreach (MiniBatch batch in regression)
            {
                sum += batch.Features.Data[^1] + batch.Targets.Data[0];
            }
        }

        return sum;
    }

    [Fact]
    public void Starting_another_epoch_invalidates_the_running_one()
    {
        (float[] x, int[] y, _) = Data(10);
        var batches = new MiniBatches(x, F, y, batchSize: 3, shuffleSeed: 1);
        MiniBatches.Enumerator first = batches.GetEnumerator();
        Assert.True(first.MoveNext());
        MiniBatches.Enumerator second = batches.GetEnumerator();
        Assert.True(second.MoveNext());
        Assert.Throws<InvalidOperationException>(() => first.MoveNext());
    }

    [Fact]
    public void Mismatched_lengths_and_sizes_are_rejected()
    {
        (float[] x, int[] y, float[] t) = Data(6);
        Assert.Throws<ArgumentException>(() => new MiniBatches(x, F, y.AsMemory(0, 5), 2));
        Assert.Throws<ArgumentException>(() => new MiniBatches(x, F, t.AsMemory(0, 11), 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatches(x, F, y, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatches(x, 0, y, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatches(x, F, t, 0, 2));
        Assert.Equal(0, new MiniBatches(Array.Empty<float>(), F, Array.Empty<int>(), 4).BatchCount);
    }
}

/// <summary>The iterator's private generator, and that shuffling leaves the global one alone (global state: not parallel).</summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class MiniBatchRandomTests
{
    [Fact]
    public void The_private_generator_is_xoshiro256_star_star_seeded_like_RandomSource()
    {
        var fromState = new Xoshiro256StarStar(1, 2, 3, 4);
        ulong[] outputs = [fromState.NextUInt64(), fromState.NextUInt64(), fromState.NextUInt64(), fromState.NextUInt64()];
        Assert.Equal([11520UL, 0UL, 1509978240UL, 1215971899390074240UL], outputs);

        var seeded = new Xoshiro256StarStar(77);
        RandomSource.ManualSeed(77);
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(RandomSource.NextRawForTesting(), seeded.NextUInt64());
        }

        Tensor.ManualSeed(RandomSource.DefaultSeed);
    }

    [Fact]
    public void Shuffling_neither_reads_nor_advances_the_global_generator()
    {
        Tensor.ManualSeed(123);
        float[] expected = Tensor.Rand(4).ToArray();

        Tensor.ManualSeed(123);
        var batches = new MiniBatches(new float[40], 2, new int[20], batchSize: 6, shuffleSeed: 7);
        foreach (MiniBatch batch in batches)
        {
            Assert.True(batch.Count > 0);
        }

        Assert.Equal(expected, Tensor.Rand(4).ToArray());
        Tensor.ManualSeed(RandomSource.DefaultSeed);
    }
}
