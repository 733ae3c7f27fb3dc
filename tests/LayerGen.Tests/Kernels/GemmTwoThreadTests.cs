using System;
using System.Linq;
using System.Threading;
using LayerGen.Kernels;
using Xunit;

namespace LayerGen.Tests.Kernels;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelThreadsCollection
{
    public const string Name = "KernelThreads (global setting, the one GEMM worker)";
}

/// <summary>
/// Large products split across two threads (<c>Gemm.TwoThreads.cs</c>): the result is bit-identical to the
/// one-thread result for every kernel the split can take, the split really ran (counted), a warm split
/// allocates nothing on either thread, and concurrent callers (who find the worker busy) still get the
/// same bits. Run alone (the setting and the worker are process-wide).
/// </summary>
[Collection(KernelThreadsCollection.Name)]
public sealed class GemmTwoThreadTests
{
    public static TheoryData<int, int, int, bool, bool> Shapes => new()
    {
        { 64, 256, 784, false, true }, // Linear's forward (packed A·Bᵀ with 16 registers, dot tiles with 32)
        { 67, 129, 300, false, true }, // odd sizes on every side
        { 64, 784, 256, false, false }, // dX = dY·W
        { 256, 784, 64, true, false }, // dW = dYᵀ·X
        { 100, 130, 170, false, false }, // m mod 6 = 4: the parts end in different tail tiles
        { 98, 160, 140, true, false }, // m mod 6 = 2 (the AVX-512 four-row tails)
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Two_threads_give_the_one_thread_bits(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var random = new Random(m * 31 + n * 7 + k);
        float[] a = Values(m * k, random), b = Values(k * n, random), c0 = Values(m * n, random);
        foreach (bool accumulate in new[] { false, true })
        {
            float[] one = (float[])c0.Clone(), two = (float[])c0.Clone();
            WithThreads(1, () => Gemm.MatMul(m, n, k, a, transposeA, b, transposeB, one, accumulate));
            long before = Gemm.TwoThreadProducts;
            WithThreads(2, () => Gemm.MatMul(m, n, k, a, transposeA, b, transposeB, two, accumulate));
            if (Environment.ProcessorCount >= 2)
            {
                Assert.Equal(before + 1, Gemm.TwoThreadProducts);
            }

            for (int i = 0; i < one.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(one[i]) == BitConverter.SingleToInt32Bits(two[i]), $"element {i}: one thread {one[i]:R}, two {two[i]:R}");
            }

            // And both against the naive double-precision product (the split covers every row once).
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = accumulate ? c0[i * n + j] : 0;
                    for (int p = 0; p < k; p++)
                    {
                        sum += (double)(transposeA ? a[p * m + i] : a[i * k + p]) * (transposeB ? b[j * k + p] : b[p * n + j]);
                    }

                    Assert.True(Math.Abs(sum - two[i * n + j]) <= 1e-5 * k, $"C[{i}, {j}] = {two[i * n + j]}, expected {sum}");
                }
            }
        }
    }

    [Fact]
    public void Below_the_threshold_or_with_one_thread_nothing_is_split()
    {
        float[] a = new float[64 * 64], b = new float[64 * 64], c = new float[64 * 64];
        long before = Gemm.TwoThreadProducts;
        WithThreads(2, () => Gemm.MatMul(64, 64, 64, a, false, b, false, c, false)); // 2¹⁸ multiply-adds
        float[] big = new float[256 * 784];
        WithThreads(1, () => Gemm.MatMul(64, 784, 256, big, false, big, false, big, false));
        Assert.Equal(before, Gemm.TwoThreadProducts);
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelThreads.Max = 0);
    }

    [Fact]
    public void A_warm_split_allocates_nothing_on_either_thread()
    {
        const int m = 64, n = 256, k = 784;
        float[] a = Values(m * k, new Random(1)), b = Values(k * n, new Random(2)), c = new float[m * n], w = new float[256 * 784];
        void Round()
        {
            for (int i = 0; i < 10; i++)
            {
                Gemm.MatMul(m, n, k, a, false, b, true, c, false);
                Gemm.MatMul(256, 784, 64, b, true, a, false, w, false);
            }
        }

        WithThreads(2, () =>
        {
            // Warm until three rounds in a row allocate nothing: the tiered JIT promotes methods in the background,
            // after a delay (measured process-wide: 1.9 KB in the first round after 50 calls, then 0; on a loaded
            // machine one round of the AVX2 paths allocated 8,008 bytes after a quiet one). A per-call allocation
            // never gets there, and the three rounds below must then allocate nothing.
            int warmRounds = 0, quietInARow = 0;
            while (quietInARow < 3)
            {
                quietInARow = AllocatedBy(Round) == 0 ? quietInARow + 1 : 0;
                Assert.True(++warmRounds < 40, "no three warm-up rounds in a row out of 40 allocated nothing");
            }

            long splits = Gemm.TwoThreadProducts;
            for (int round = 0; round < 3; round++)
            {
                Assert.Equal(0, AllocatedBy(Round));
            }

            if (Environment.ProcessorCount >= 2)
            {
                Assert.Equal(splits + 60, Gemm.TwoThreadProducts);
            }
        });
    }

    /// <summary>
    /// Bytes allocated by this thread and by the GEMM's worker while <paramref name="action"/> ran (not the
    /// whole process: the test host's own threads allocate now and then).
    /// </summary>
    private static long AllocatedBy(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread(), workerBefore = Gemm.WorkerAllocatedBytes;
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before + (Gemm.WorkerAllocatedBytes - workerBefore);
    }

    [Fact]
    public void Concurrent_callers_get_the_same_bits()
    {
        const int m = 64, n = 256, k = 784, threads = 4;
        float[] a = Values(m * k, new Random(3)), b = Values(k * n, new Random(4));
        float[] expected = new float[m * n];
        WithThreads(1, () => Gemm.MatMul(m, n, k, a, false, b, true, expected, false));
        var results = new float[threads][];
        WithThreads(2, () =>
        {
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var c = new float[m * n];
                start.SignalAndWait();
                for (int repeat = 0; repeat < 20; repeat++)
                {
                    Gemm.MatMul(m, n, k, a, false, b, true, c, false);
                }

                results[t] = c;
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
        });
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    private static void WithThreads(int threads, Action action)
    {
        int saved = KernelThreads.Max;
        KernelThreads.Max = threads;
        try
        {
            action();
        }
        finally
        {
            KernelThreads.Max = saved;
        }
    }

    private static float[] Values(int count, Random random) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}
