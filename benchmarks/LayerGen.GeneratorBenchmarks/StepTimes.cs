using System;
using System.Linq;
using LayerGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.GeneratorBenchmarks;

/// <summary>
/// Where one edit's time goes (<c>--steps</c>): the warm driver of <see cref="GeneratorCostBenchmarks.OneEdit"/>
/// with step tracking on, after a warm-up, printing for each tracked pipeline step how many of its outputs were
/// recomputed (new or modified) and how long Roslyn timed them, and the generator's whole time as the driver
/// measured it. For finding the stage to make cheaper; the figures for the README come from <c>--cpu</c>.
/// </summary>
internal static class StepTimes
{
    public static void Run()
    {
        var bench = new GeneratorCostBenchmarks();
        bench.Setup();
        var driver = (GeneratorDriver)CSharpGeneratorDriver.Create(
            new[] { new LayerGenerator().AsSourceGenerator() },
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(bench.Original);
        for (int warm = 0; warm < 40; warm++)
        {
            driver = driver.RunGenerators(warm % 2 == 0 ? bench.Edited : bench.Original);
        }

        // The same edit measured 21 times (back and forth): each step's median, as one run on a shared machine can be far off.
        var perStep = new System.Collections.Generic.Dictionary<string, System.Collections.Generic.List<(int Outputs, int Rerun, double Ms)>>();
        var total = new System.Collections.Generic.List<double>();
        for (int measured = 0; measured < 42; measured++)
        {
            driver = driver.RunGenerators(measured % 2 == 0 ? bench.Edited : bench.Original);
            if (measured % 2 == 1)
            {
                continue;
            }

            total.Add(driver.GetTimingInfo().ElapsedTime.TotalMilliseconds);
            foreach (var (name, runs) in driver.GetRunResult().Results.Single().TrackedSteps)
            {
                var outputs = runs.SelectMany(r => r.Outputs).ToList();
                int rerun = outputs.Count(o => o.Reason is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified);
                if (!perStep.TryGetValue(name, out var list))
                {
                    perStep[name] = list = new();
                }

                list.Add((outputs.Count, rerun, runs.Sum(r => r.ElapsedTime.TotalMilliseconds)));
            }
        }

        foreach (var (name, runs) in driver.GetRunResult().Results.Single().TrackedSteps.Where(s => s.Key == "LayerDeclarations"))
        {
            Console.WriteLine(string.Join(", ", runs.SelectMany(r => r.Outputs).GroupBy(o => o.Reason).Select(g => $"{g.Key}: {g.Count()}")) + $" in {runs.Length} runs: " + string.Join(" ", runs.Select(r => r.ElapsedTime.TotalMilliseconds.ToString("F1"))));
        }

        Console.WriteLine($"one edit, generator time as the driver measures it: median {Median(total):F2} ms over {total.Count} edits");
        Console.WriteLine($"{"step",-56} {"outputs",8} {"rerun",6} {"median ms",10}");
        foreach (var (name, list) in perStep.OrderByDescending(s => Median(s.Value.Select(v => v.Ms))))
        {
            Console.WriteLine($"{name,-56} {list[^1].Outputs,8} {list[^1].Rerun,6} {Median(list.Select(v => v.Ms)),10:F2}");
        }
    }

    private static double Median(System.Collections.Generic.IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}
