using System;

namespace LayerGen.Tests.Infrastructure;

/// <summary>
/// The zero-allocation checks' one pattern: call often enough for tiered compilation to settle, then count what this
/// thread allocates over more calls. A method the JIT promotes while it is being measured allocates in the runtime,
/// not in LayerGen (a single warm-up call once measured 3,872 bytes in a loaded CI run), so every check warms up the
/// same way; the first calls also make what is made once (gradients, optimiser state, scratch buffers).
/// </summary>
internal static class Allocations
{
    /// <summary>Unmeasured calls first: more than the 30 calls after which the tiered JIT promotes a method.</summary>
    public const int WarmUpCalls = 50;

    /// <summary>
    /// Bytes this thread allocated over <paramref name="calls"/> calls of <paramref name="call"/>, after
    /// <see cref="WarmUpCalls"/> unmeasured ones. (The delegate is made by the caller, before anything is counted.)
    /// </summary>
    public static long AfterWarmUp(Action call, int calls = 100)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (int i = 0; i < WarmUpCalls; i++)
        {
            call();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            call();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
