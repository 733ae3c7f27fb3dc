using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using LayerGen.Benchmarks.Cases;
using LayerGen.Benchmarks.Infrastructure;
using Perfolizer.Horology;

namespace LayerGen.Benchmarks;

/// <summary>
/// dotnet run -c Release --project benchmarks/LayerGen.Benchmarks [-- options]
///   (no options)         self-check, 67 benchmarks (BenchmarkDotNet; ~4.5 min + build on 2 cores), the README table
///   --filter '*Case2*'   self-check of the cases the filter selects, then the matching benchmarks (any BenchmarkDotNet option works)
///   --verify [Case2]     only the self-check (hand and eager vs LayerGen: outputs, loss, gradients)
///   --quick [Case2]      self-check, then a fast in-process timing table (for iterating on kernels)
///   --breakdown [Case2]  self-check, then each phase of LayerGen's step (and each child layer) timed alone
///   --compare OTHER.dll [Case2]
///                        this build against another build of this project (e.g. the commit before a change), both in
///                        this process, timed in alternating rounds: the ratio resolves what separate runs cannot
///   --peak               only the single-thread FMA peak (Vector256, and Vector512 where accelerated)
///   --gemm               only the GEMM alone on cases 5's and 6b's products, GFLOP/s and % of that peak
///   --isa native|avx2|both
///                        which ISA to run on (default native: Vector512 hand versions where Vector512 is
///                        accelerated, else Vector256). avx2 on an AVX-512 machine runs everything (self-check,
///                        benchmarks, --quick, --breakdown) in processes with DOTNET_EnableAVX512=0 (and DOTNET_EnableAVX512F=0,
///                        the name before .NET 10); both runs
///                        native and AVX2 side by side (two BenchmarkDotNet jobs, one table each)
///   --skip-verify        run the benchmarks even if the self-check fails
///   --torchsharp FILE    TorchSharpComparison's CSV for the README table (default BenchmarkDotNet.Artifacts/torchsharp.csv)
/// A self-check that selects no case (a word or filter matching none) fails: it has checked nothing.
/// </summary>
public static class Program
{
    /// <summary>Set in the processes this program starts without AVX-512, so they never start another.</summary>
    private const string ChildMarker = "LAYERGEN_BENCH_AVX2_CHILD";

    /// <summary>
    /// The variables that turn AVX-512 off, set to 0 together: .NET 10 reads DOTNET_EnableAVX512 (and ignores
    /// DOTNET_EnableAVX512F, measured with 10.0.12: Vector512 stays accelerated), .NET 8 and 9 read DOTNET_EnableAVX512F.
    /// </summary>
    private static readonly string[] AvxOff = ["DOTNET_EnableAVX512", "DOTNET_EnableAVX512F"];

    private static readonly Func<CaseBase>[] Verification =
    [
        () => new Case1a(1f), () => new Case1b(1f), () => new Case2(1f), () => new Case3(1f), () => new Case4(1f),
        () => new Case5(1f), () => new Case6a(1f), () => new Case6b(1f), () => new Case7(1f), () => new Case8(1f),
    ];

    private static readonly Func<CaseBase>[] Timing =
    [
        () => new Case1a(), () => new Case1b(), () => new Case2(), () => new Case3(), () => new Case4(),
        () => new Case5(), () => new Case6a(), () => new Case6b(), () => new Case7(), () => new Case8(),
    ];

    public static int Main(string[] args)
    {
        DateTime started = DateTime.UtcNow;
        string loadAtStart = Machine.LoadAverage();
        bool verifyOnly = args.Contains("--verify");
        bool quick = args.Contains("--quick");
        bool breakdown = args.Contains("--breakdown");
        bool skipVerify = args.Contains("--skip-verify");
        bool peakOnly = args.Contains("--peak");
        bool gemmOnly = args.Contains("--gemm");
        string torchCsv = TakeOption(ref args, "--torchsharp") ?? "BenchmarkDotNet.Artifacts/torchsharp.csv";
        string isa = TakeOption(ref args, "--isa") ?? "native";
        string? compareWith = TakeOption(ref args, "--compare");
        string[] rest = args.Where(a => a is not ("--verify" or "--quick" or "--breakdown" or "--skip-verify" or "--peak" or "--gemm")).ToArray();

        Console.WriteLine("Machine: " + Machine.Describe());
        Console.WriteLine(HandIsa.Describe());
        if (isa is not ("native" or "avx2" or "both"))
        {
            Console.Error.WriteLine($"--isa {isa}: expected native, avx2 or both.");
            return 2;
        }

        bool inChild = Environment.GetEnvironmentVariable(ChildMarker) == "1";
        if (inChild && HandIsa.Avx512)
        {
            Console.Error.WriteLine("DOTNET_EnableAVX512=0 and DOTNET_EnableAVX512F=0 did not turn off Vector512 acceleration in this process: no AVX2 figures can be taken this way.");
            return 2;
        }

        // The AVX2 figures of an AVX-512 machine need processes started without AVX-512 (AvxOff); on any
        // other machine this process already runs the AVX2 (or narrower) paths.
        bool runHere = isa != "avx2" || !HandIsa.Avx512;
        bool runAvx2Child = isa != "native" && HandIsa.Avx512 && !inChild;
        if (isa != "native" && !HandIsa.Avx512)
        {
            Console.WriteLine($"--isa {isa}: this process does not accelerate Vector512, so its own run is the {HandIsa.Name} run.");
        }

        if (peakOnly)
        {
            Console.WriteLine(Machine.FormatPeak(Machine.FmaPeak()));
            return 0;
        }

        if (compareWith is not null)
        {
            return BuildComparison.Run(compareWith, Timing, CaseSelection.ByWord(rest.FirstOrDefault(a => !a.StartsWith('-'))));
        }

        if (gemmOnly)
        {
            var fmaPeak = Machine.FmaPeak();
            GemmShapes.Run(HandIsa.Avx512 ? fmaPeak.Gflops512 : fmaPeak.Gflops256);
            return 0;
        }

        if (verifyOnly || quick || breakdown)
        {
            var selection = rest.Contains("--filter") ? CaseSelection.ByFilters(CaseSelection.FilterGlobs(rest)) : CaseSelection.ByWord(rest.FirstOrDefault(a => !a.StartsWith('-')));
            int status = 0;
            if (runHere)
            {
                status = RunInProcess(selection, verifyOnly, quick, skipVerify);
            }

            if (runAvx2Child)
            {
                status = Math.Max(status, RunAvx2Child(args.Where(a => a != "--isa").ToArray()));
            }

            return status;
        }

        // BenchmarkDotNet: the self-check of the cases the filters select, on every ISA that will be timed.
        var globs = CaseSelection.FilterGlobs(rest);
        var filtered = CaseSelection.ByFilters(globs);
        bool ok = true;
        if (runHere)
        {
            ok = SelfCheck.Run(Verification, filtered);
        }

        if (runAvx2Child)
        {
            var verifyArgs = new List<string> { "--verify" };
            if (globs.Count > 0)
            {
                verifyArgs.Add("--filter");
                verifyArgs.AddRange(globs);
            }

            ok &= RunAvx2Child([.. verifyArgs]) == 0;
        }

        if (!ok && !skipVerify)
        {
            Console.Error.WriteLine("Not timing: the self-check failed (pass --skip-verify to time anyway).");
            return 1;
        }

        var peak = Machine.FmaPeak();
        Console.WriteLine(Machine.FormatPeak(peak));
        var run = new RunInfo(Machine.Describe(), peak, loadAtStart, Machine.Commit(), started);

        if (globs.Count == 0)
        {
            rest = [.. rest, "--filter", "*"];
        }

        var job = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(12)
            .WithIterationTime(TimeInterval.FromMilliseconds(150));
        var config = DefaultConfig.Instance;
        if (runHere)
        {
            config = config.AddJob(job.WithId(HandIsa.Avx512 ? "AVX512" : "AVX2"));
        }

        if (runAvx2Child)
        {
            config = config.AddJob(job.WithEnvironmentVariables(AvxOff.Select(v => new EnvironmentVariable(v, "0")).ToArray()).WithId("AVX2"));
        }

        config = config
            .HideColumns(TargetMethodColumn.Method)
            .AddColumn(new IsaMethodColumn(), new IsaColumn(), StatisticColumn.Median, new GflopsColumn())
            .WithOrderer(new CaseOrderer())
            .AddExporter(new TableExporter(torchCsv, run))
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond).WithRatioStyle(RatioStyle.Value))
            .WithOptions(ConfigOptions.JoinSummary);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
        var table = new TableExporter(torchCsv, run);
        foreach (var summary in summaries)
        {
            Console.WriteLine();
            Console.WriteLine("// * LayerGen results table (README) *");
            table.ExportToLog(summary, BenchmarkDotNet.Loggers.ConsoleLogger.Default);
        }

        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    /// <summary>--verify, --quick or --breakdown in this process.</summary>
    private static int RunInProcess(CaseSelection selection, bool verifyOnly, bool quick, bool skipVerify)
    {
        bool ok = SelfCheck.Run(Verification, selection);
        if (verifyOnly)
        {
            return ok ? 0 : 1;
        }

        if (!ok && !skipVerify)
        {
            Console.Error.WriteLine("Not timing: the self-check failed (pass --skip-verify to time anyway).");
            return 1;
        }

        if (quick)
        {
            QuickTimer.Run(Timing, selection, 1.0);
        }
        else
        {
            QuickTimer.Breakdown(Timing, selection, 0.3);
        }

        return 0;
    }

    /// <summary>Runs this program again with <paramref name="args"/> without AVX-512 (<see cref="AvxOff"/>) and returns its exit code.</summary>
    private static int RunAvx2Child(string[] args)
    {
        var start = new ProcessStartInfo { UseShellExecute = false };
        string? host = Environment.ProcessPath;
        if (host is null || Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = host ?? "dotnet";
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
        }
        else
        {
            start.FileName = host;
        }

        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (string variable in AvxOff)
        {
            start.Environment[variable] = "0";
        }

        start.Environment[ChildMarker] = "1";
        Console.WriteLine();
        Console.WriteLine($"== the AVX2 run: {string.Join(" ", AvxOff.Select(v => v + "=0"))} {string.Join(" ", args)}");
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>Removes <paramref name="name"/> and its value from <paramref name="args"/>; returns the value (null when absent).</summary>
    private static string? TakeOption(ref string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0 || i + 1 >= args.Length)
        {
            return null;
        }

        string value = args[i + 1];
        args = args.Where((_, j) => j != i && j != i + 1).ToArray();
        return value;
    }
}
