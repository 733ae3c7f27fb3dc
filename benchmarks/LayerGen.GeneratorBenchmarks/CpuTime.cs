using System;
using System.Diagnostics;

namespace LayerGen.GeneratorBenchmarks;

/// <summary>
/// The same three cases timed by the processor time this process used (<c>--cpu</c>), beside the wall clock.
/// On a shared machine with more runnable threads than cores the wall clock measures the queue as much as
/// the generator; the processor time does not (up to cache effects), so it says what a run costs when the
/// machine is not busy. Each case runs in rounds of a fixed count after a warm-up; the cheapest round counts.
/// </summary>
internal static class CpuTime
{
    private const int Rounds = 5;

    public static void Run()
    {
        var bench = new GeneratorCostBenchmarks();
        bench.Setup();
        Measure("FullRun", 4, () => bench.FullRun());
        Measure("OneEdit", 20, () => bench.OneEdit());
        Measure("OneEditInASharedFile", 20, () => bench.OneEditInASharedFile());
    }

    private static void Measure(string name, int perRound, Func<object> run)
    {
        for (int i = 0; i < perRound; i++)
        {
            run(); // warm-up: JIT tiers, the drivers' caches
        }

        double bestCpu = double.MaxValue, bestWall = double.MaxValue;
        using var process = Process.GetCurrentProcess();
        for (int round = 0; round < Rounds; round++)
        {
            process.Refresh();
            TimeSpan cpuStart = process.TotalProcessorTime;
            long wallStart = Stopwatch.GetTimestamp();
            for (int i = 0; i < perRound; i++)
            {
                GC.KeepAlive(run());
            }

            double wall = Stopwatch.GetElapsedTime(wallStart).TotalMilliseconds / perRound;
            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpuStart).TotalMilliseconds / perRound;
            bestCpu = Math.Min(bestCpu, cpu);
            bestWall = Math.Min(bestWall, wall);
        }

        Console.WriteLine($"{name,-22} processor {bestCpu,8:F1} ms/op   wall {bestWall,8:F1} ms/op   (best of {Rounds} rounds of {perRound})");
    }
}
