using System;
using System.Threading;

namespace LayerGen.Kernels;

// Large products on two cores: the rows of C (for packed A·Bᵀ, the rows of Cᵀ = B·Aᵀ) are split in two,
// the caller computes the first part and the GEMM's one worker thread the second. The split falls on a
// multiple of 6 rows, so the second part is cut into the same tiles as those rows of the whole product
// (6-row tiles, then the same tail), and each element of C is computed by exactly the same operations:
// tiles of different shapes may keep different numbers of accumulator sets (Gemm.Tile.cs), which is why
// the split never runs across a tile's vectors. The contraction blocks and the A·Bᵀ kernel are chosen
// from the whole product before the split. So the result is bit-identical to one thread's. One worker serves the whole process: a caller that finds
// it busy (another thread's product) runs on its own thread. No allocation once the worker exists.
public static unsafe partial class Gemm
{
    /// <summary>
    /// Products below this many multiply-adds stay on one thread: waking the worker costs a few µs, a
    /// product of 2²¹ multiply-adds about 25 µs on one Zen 3 core.
    /// </summary>
    private const long TwoThreadMultiplyAdds = 1L << 21;

    /// <summary>The kernels a part may run (Aᵀ·Bᵀ, rare in layers, is not split).</summary>
    private enum PartKind
    {
        BroadcastKContiguous,
        BroadcastRowContiguous,
        PackedDotRows,
        Dot,
    }

    /// <summary>One part of a split product: rows [First, First + Rows) of C (of Cᵀ for packed A·Bᵀ).</summary>
    private struct Part
    {
        public PartKind Kind;
        public int M, N, K, First, Rows, KBlock;
        public float* A, B, C;
        public bool Accumulate;

        /// <summary>Packed A·Bᵀ: the packed Aᵀ panel (row stride <see cref="Ld"/>) and the Cᵀ buffer, filled by the caller.</summary>
        public float* PackedA, Ct;
        public nint Ld;
    }

    private static Thread? s_worker;
    private static int s_workerTaken; // 1 while a caller owns the worker (Interlocked)
    private static readonly SemaphoreSlim s_workerStart = new(0);
    private static readonly SemaphoreSlim s_workerDone = new(0);
    private static Part s_workerPart;
    private static Exception? s_workerError;
    private static long s_twoThreadProducts;

    private static long s_workerAllocatedBytes;

    /// <summary>How many products have run on two threads so far (for tests that must show the path ran).</summary>
    internal static long TwoThreadProducts => Interlocked.Read(ref s_twoThreadProducts);

    /// <summary>Bytes the worker thread has allocated while running parts (for the no-allocation test).</summary>
    internal static long WorkerAllocatedBytes => Interlocked.Read(ref s_workerAllocatedBytes);

    /// <summary>
    /// Runs <paramref name="whole"/> (its rows [0, Rows)) on two threads when it is large enough, a second
    /// core may be used, and the worker is free; false leaves it to the caller's thread.
    /// </summary>
    private static bool TryTwoThreads(in Part whole)
    {
        int rows = whole.Rows;
        if (KernelThreads.Max < 2 || (long)whole.M * whole.N * whole.K < TwoThreadMultiplyAdds || rows < 12 || Environment.ProcessorCount < 2)
        {
            return false;
        }

        if (Interlocked.CompareExchange(ref s_workerTaken, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            EnsureWorker();
            int firstRows = (rows / 2) + 5 - (((rows / 2) + 5) % 6); // about half, in whole 6-row tiles
            Part first = whole with { First = 0, Rows = firstRows };
            s_workerPart = whole with { First = firstRows, Rows = rows - firstRows };
            s_workerError = null;
            s_workerStart.Release();
            Run(first);
            s_workerDone.Wait();
            Interlocked.Increment(ref s_twoThreadProducts);
            if (s_workerError is { } error)
            {
                throw new InvalidOperationException("Gemm: the worker thread's part of the product failed.", error);
            }

            return true;
        }
        finally
        {
            Volatile.Write(ref s_workerTaken, 0);
        }
    }

    /// <summary>C (+)= op(A)·op(B) with the given kernel, on two threads if <see cref="TryTwoThreads"/> takes it.</summary>
    private static void RunWhole(PartKind kind, int m, int n, int k, float* a, float* b, float* c, bool accumulate, int kBlock)
    {
        var whole = new Part { Kind = kind, M = m, N = n, K = k, First = 0, Rows = m, KBlock = kBlock, A = a, B = b, C = c, Accumulate = accumulate };
        if (!TryTwoThreads(whole))
        {
            Run(whole);
        }
    }

    private static void EnsureWorker()
    {
        if (s_worker is not null)
        {
            return;
        }

        s_worker = new Thread(WorkerLoop) { IsBackground = true, Name = "LayerGen GEMM worker" };
        s_worker.Start();
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            s_workerStart.Wait();
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                Run(s_workerPart);
            }
            catch (Exception e)
            {
                s_workerError = e;
            }

            Interlocked.Add(ref s_workerAllocatedBytes, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);

            s_workerDone.Release();
        }
    }

    /// <summary>Rows [First, First + Rows) of C (of Cᵀ for packed A·Bᵀ) through the kernel the whole product chose.</summary>
    private static void Run(in Part p)
    {
        int i = p.First;
        switch (p.Kind)
        {
            case PartKind.BroadcastKContiguous:
                Broadcast<KContiguous>(p.Rows, p.N, p.K, p.A + ((nint)i * p.K), p.K, p.B, p.N, p.C + ((nint)i * p.N), p.N, p.Accumulate, p.KBlock);
                break;
            case PartKind.BroadcastRowContiguous:
                Broadcast<RowContiguous>(p.Rows, p.N, p.K, p.A + i, p.M, p.B, p.N, p.C + ((nint)i * p.N), p.N, p.Accumulate, p.KBlock);
                break;
            case PartKind.PackedDotRows:
                // Rows i.. of Cᵀ = B·Aᵀ are rows i.. of B; then they become columns i.. of C.
                Broadcast<KContiguous>(p.Rows, p.M, p.K, p.B + ((nint)i * p.K), p.K, p.PackedA, p.Ld, p.Ct + ((nint)i * p.M), p.M, accumulate: false, p.KBlock);
                Transpose(p.Ct + ((nint)i * p.M), p.Rows, p.M, p.M, p.C + i, p.N, p.Accumulate);
                break;
            default:
                Dot(p.Rows, p.N, p.K, p.A + ((nint)i * p.K), p.B, p.C + ((nint)i * p.N), p.Accumulate);
                break;
        }
    }
}
