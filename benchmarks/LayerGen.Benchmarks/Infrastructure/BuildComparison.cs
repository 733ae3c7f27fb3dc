using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// `--compare OTHER.dll [Case2]`: this build against another build of this benchmark project (say, the commit before a
/// change), both loaded into this one process — the other in its own <see cref="AssemblyLoadContext"/>, so its
/// LayerGen.dll is its own — and timed in alternation: each round times a batch of one build's call, then the other's
/// (in the opposite order every other round), and the figure is the median of the rounds' ratios. A virtual machine
/// whose speed drifts by tens of percent between runs (as ours does) moves both sides of a round together, so the
/// ratio resolves differences that two separate runs cannot. The hand-written step is the same code in both builds
/// when the benchmarks' own code did not change: its ratio is the control, and shows how fine the comparison is.
/// </summary>
public static class BuildComparison
{
    private const int Rounds = 41;

    private static readonly string[] Methods = ["LayerGenForward", "LayerGenStep", "HandStep"];

    public static int Run(string otherAssemblyPath, Func<CaseBase>[] timing, CaseSelection selection)
    {
        string path = Path.GetFullPath(otherAssemblyPath);
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"--compare: expected the other build's LayerGen.Benchmarks.dll, found no file at {path}.");
            return 2;
        }

        var other = new BuildContext(path);
        var theirs = other.Timing();
        Console.WriteLine();
        Console.WriteLine($"This build against {path}; load average {Machine.LoadAverage()}; {Rounds} alternating rounds per method.");
        Console.WriteLine("| case | method | this build µs | other build µs | this ÷ other (median of rounds) | middle half of the rounds' ratios |");
        Console.WriteLine("|---|---|---:|---:|---:|---|");
        foreach (var factory in timing)
        {
            var mine = factory();
            string name = mine.GetType().Name;
            if (!selection.Includes(name))
            {
                continue;
            }

            if (!theirs.TryGetValue(name, out var theirFactory))
            {
                Console.WriteLine($"| {name} | (absent from the other build) | | | | |");
                continue;
            }

            object their = theirFactory();
            foreach (string method in Methods)
            {
                var a = Bind(mine, method);
                var b = Bind(their, method);
                var (microsA, microsB, ratios) = Alternate(a, b);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {method} | {microsA:F3} | {microsB:F3} | {Median(ratios):F3} | {Quantile(ratios, 0.25):F3}–{Quantile(ratios, 0.75):F3} |"));
            }
        }

        Console.WriteLine($"load average at the end {Machine.LoadAverage()}");
        return 0;
    }

    private static Func<float> Bind(object target, string method) =>
        target.GetType().GetMethod(method, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)?.CreateDelegate<Func<float>>(target)
        ?? throw new InvalidOperationException($"{target.GetType().FullName} has no public float {method}().");

    /// <summary>Medians of both sides' µs per call, and each round's ratio of this build's time to the other's.</summary>
    private static (double A, double B, List<double> Ratios) Alternate(Func<float> a, Func<float> b)
    {
        float sink = WarmUp(a) + WarmUp(b);
        long batch = BatchFor(a, b);
        var timesA = new List<double>();
        var timesB = new List<double>();
        var ratios = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            double ta, tb;
            if (round % 2 == 0)
            {
                ta = Time(a, batch, ref sink);
                tb = Time(b, batch, ref sink);
            }
            else
            {
                tb = Time(b, batch, ref sink);
                ta = Time(a, batch, ref sink);
            }

            timesA.Add(ta);
            timesB.Add(tb);
            ratios.Add(ta / tb);
        }

        GC.KeepAlive(sink);
        return (Median(timesA), Median(timesB), ratios);
    }

    /// <summary>Until the tiered JIT has promoted the method: rounds of calls with a pause longer than its call-counting delay.</summary>
    private static float WarmUp(Func<float> method)
    {
        float sink = 0;
        for (int round = 0; round < 3; round++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 50 || sw.Elapsed.TotalSeconds < 0.2; i++)
            {
                sink += method();
            }

            Thread.Sleep(150);
        }

        return sink;
    }

    /// <summary>Calls per batch so the slower side's batch takes about 5 ms.</summary>
    private static long BatchFor(Func<float> a, Func<float> b)
    {
        float sink = 0;
        double slowest = 0;
        foreach (var method in new[] { a, b })
        {
            var sw = Stopwatch.StartNew();
            long calls = 0;
            while (sw.Elapsed.TotalSeconds < 0.05 || calls < 10)
            {
                sink += method();
                calls++;
            }

            slowest = Math.Max(slowest, sw.Elapsed.TotalSeconds / calls);
        }

        GC.KeepAlive(sink);
        return Math.Max(1, (long)(0.005 / slowest));
    }

    private static double Time(Func<float> method, long batch, ref float sink)
    {
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < batch; i++)
        {
            sink += method();
        }

        return (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / batch;
    }

    private static double Median(List<double> values) => Quantile(values, 0.5);

    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[(int)Math.Round(q * (sorted.Count - 1))];
    }

    /// <summary>The other build: its assemblies resolved from its own output folder, its cases made by its own Program.</summary>
    private sealed class BuildContext : AssemblyLoadContext
    {
        private readonly AssemblyDependencyResolver _resolver;
        private readonly Assembly _benchmarks;

        public BuildContext(string benchmarksAssembly)
            : base("other build", isCollectible: false)
        {
            _resolver = new AssemblyDependencyResolver(benchmarksAssembly);
            _benchmarks = LoadFromAssemblyPath(benchmarksAssembly);
        }

        /// <summary>The other build's timing cases by class name (its Program's private <c>Timing</c> factories).</summary>
        public Dictionary<string, Func<object>> Timing()
        {
            var program = _benchmarks.GetType("LayerGen.Benchmarks.Program", throwOnError: true)!;
            var field = program.GetField("Timing", BindingFlags.NonPublic | BindingFlags.Static)
                ?? throw new InvalidOperationException("the other build's Program has no Timing factories");
            var factories = (Delegate[])field.GetValue(null)!;
            var result = new Dictionary<string, Func<object>>(StringComparer.Ordinal);
            foreach (var factory in factories)
            {
                object made = factory.DynamicInvoke()!;
                result[made.GetType().Name] = () => factory.DynamicInvoke()!;
            }

            return result;
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            string? path = _resolver.ResolveAssemblyToPath(assemblyName);
            return path is null ? null : LoadFromAssemblyPath(path);
        }
    }
}
