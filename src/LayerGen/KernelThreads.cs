using System;

namespace LayerGen;

/// <summary>
/// How many threads LayerGen's kernels may use, as <c>torch.set_num_threads</c>. Today the large matrix
/// products of a layer (about 2 million multiply-adds and up, such as a 784 → 256 Linear on a batch of 64)
/// split across two threads; everything else runs on the calling thread. Results are bit-identical
/// whatever the setting.
/// </summary>
public static class KernelThreads
{
    private static int s_max = Initial();

    /// <summary>
    /// At most this many threads per kernel call (1: everything on the calling thread). Defaults to the
    /// number of processors, or to the environment variable <c>LAYERGEN_NUM_THREADS</c> when it is set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int Max
    {
        get => s_max;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            s_max = value;
        }
    }

    private static int Initial()
    {
        string? text = Environment.GetEnvironmentVariable("LAYERGEN_NUM_THREADS");
        return int.TryParse(text, out int threads) && threads >= 1 ? threads : Environment.ProcessorCount;
    }
}
