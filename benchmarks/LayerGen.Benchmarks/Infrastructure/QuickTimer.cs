using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// `--quick`: an in-process timer for iterating on kernels (seconds, not minutes): each method warmed up,
/// then the median over 15 batches of the time per call, and the bytes allocated per call. Not a
/// substitute for the BenchmarkDotNet run that the README reports.
/// </summary>
public static class QuickTimer
{
    public static void Run(Func<CaseBase>[] factories, CaseSelection selection, double secondsPerMethod)
    {
        Console.WriteLine();
        Console.WriteLine($"In-process medians on {HandIsa.Name} (hand-written: {(HandIsa.Avx512 ? "Vector512" : "Vector256")}); load average {Machine.LoadAverage()}");
        Console.WriteLine($"| case | hand {HandIsa.Name} fwd µs | LayerGen fwd µs | ratio | hand {HandIsa.Name} step µs | LayerGen step µs | ratio | eager fwd µs | eager step µs | LayerGen B/call (fwd, step) | loss after timing (hand, LayerGen) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var factory in factories)
        {
            var c = factory();
            if (!selection.Includes(c.GetType().Name))
            {
                continue;
            }

            var (hf, _) = Time(c.HandForward, secondsPerMethod);
            var (lf, lfa) = Time(c.LayerGenForward, secondsPerMethod);
            var (hs, _) = Time(c.HandStep, secondsPerMethod);
            var (ls, lsa) = Time(c.LayerGenStep, secondsPerMethod);
            var (ef, _) = Time(c.EagerForward, Math.Min(secondsPerMethod, 0.5));
            var (es, _) = Time(c.EagerStep, Math.Min(secondsPerMethod, 0.5));
            float handLoss = c.HandStep(), lgLoss = c.LayerGenStep();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Title} | {hf:F3} | {lf:F3} | {lf / hf:F2} | {hs:F3} | {ls:F3} | {ls / hs:F2} | {ef:F2} | {es:F2} | {lfa:F0}, {lsa:F0} | {handLoss:G4}, {lgLoss:G4} |"));
        }
    }

    /// <summary>`--breakdown`: the median µs of each phase of LayerGen's step, and of each child layer, against the hand-written step.</summary>
    public static void Breakdown(Func<CaseBase>[] factories, CaseSelection selection, double secondsPerPhase)
    {
        foreach (var factory in factories)
        {
            var c = factory();
            if (!selection.Includes(c.GetType().Name))
            {
                continue;
            }

            Console.WriteLine();
            Console.WriteLine($"{c.Title}: hand {HandIsa.Name} step {Time(c.HandStep, secondsPerPhase).Micros.ToString("F3", CultureInfo.InvariantCulture)} µs, forward {Time(c.HandForward, secondsPerPhase).Micros.ToString("F3", CultureInfo.InvariantCulture)} µs");
            var phases = c.LayerGenPhases().ToList();
            WarmUp(phases.Select(p => p.Run).ToList());
            foreach (var (phase, run) in phases)
            {
                var (micros, bytes) = Time(() =>
                {
                    run();
                    return 0f;
                }, secondsPerPhase);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {micros,10:F3} µs  {phase}{(bytes > 0 ? $"  ({bytes:F0} B/call)" : "")}"));
            }
        }
    }

    /// <summary>
    /// Runs every phase until the tiered JIT has promoted the code it reaches. Timing the phases one after
    /// the other is not enough on its own: the first phase timed (the whole step) would run, for much of its
    /// budget, tier-0 code of methods that later phases time once promoted (e.g. 40 µs instead of 3 µs for
    /// Case6a's step on a loaded machine), and a later phase could still meet a method waiting in the
    /// tier-1 queue. So: rounds over all phases, each followed by a pause longer than the runtime's
    /// call-counting delay (100 ms) for the background compiler, until a round's total time stops falling.
    /// </summary>
    private static void WarmUp(List<Action> phases)
    {
        double best = double.MaxValue;
        for (int round = 0; round < 8; round++)
        {
            long start = Stopwatch.GetTimestamp();
            foreach (var run in phases)
            {
                // 2000 calls, or at least 50 and 20 ms for a slow phase (tier-up needs 30 calls).
                long phaseStart = Stopwatch.GetTimestamp();
                for (int i = 0; i < 2000 && (i < 50 || Stopwatch.GetElapsedTime(phaseStart).TotalSeconds < 0.02); i++)
                {
                    run();
                }
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            Thread.Sleep(250);
            if (round >= 2 && seconds > 0.95 * best)
            {
                return;
            }

            best = Math.Min(best, seconds);
        }
    }

    /// <summary>Median µs per call and bytes allocated per call.</summary>
    private static (double Micros, double Bytes) Time(Func<float> method, double seconds)
    {
        float sink = 0;
        // Warm up (tiered JIT: run long enough for tier 1 — methods with loops start at tier 0 and are
        // promoted only after a call-counting delay, so under 0.5 s the first phases timed tier-0 code)
        // and size a batch to ~1/40 of the budget.
        var sw = Stopwatch.StartNew();
        long calls = 0;
        while (sw.Elapsed.TotalSeconds < Math.Max(seconds / 3, 0.5) || calls < 50)
        {
            sink += method();
            calls++;
        }

        double perCall = sw.Elapsed.TotalSeconds / calls;
        long batch = Math.Max(1, (long)(seconds / 40 / perCall));
        var samples = new List<double>();
        long allocated = 0, counted = 0;
        for (int s = 0; s < 15; s++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < batch; i++)
            {
                sink += method();
            }

            long end = Stopwatch.GetTimestamp();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            counted += batch;
            samples.Add((end - start) * 1e6 / Stopwatch.Frequency / batch);
        }

        GC.KeepAlive(sink);
        samples.Sort();
        return (samples[samples.Count / 2], (double)allocated / counted);
    }
}
