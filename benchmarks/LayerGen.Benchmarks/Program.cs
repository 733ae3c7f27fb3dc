using System;
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
///   (no options)         self-check, 60 benchmarks (BenchmarkDotNet; ~4 min + build on 2 cores), the README table
///   --filter '*Case2*'   self-check, then the matching benchmarks (any BenchmarkDotNet option works)
///   --verify [Case2]     only the self-check (hand and eager vs LayerGen: outputs, loss, gradients)
///   --quick [Case2]      self-check, then a fast in-process timing table (for iterating on kernels)
///   --breakdown [Case2]  self-check, then each phase of LayerGen's step (and each child layer) timed alone
///   --skip-verify        run the benchmarks even if the self-check fails
///   --torchsharp FILE    TorchSharpComparison's CSV for the README table (default BenchmarkDotNet.Artifacts/torchsharp.csv)
/// </summary>
public static class Program
{
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
        Console.WriteLine(HandIsa.Describe());

        bool verifyOnly = args.Contains("--verify");
        bool quick = args.Contains("--quick");
        bool breakdown = args.Contains("--breakdown");
        bool skipVerify = args.Contains("--skip-verify");
        string torchCsv = "BenchmarkDotNet.Artifacts/torchsharp.csv";
        int t = Array.IndexOf(args, "--torchsharp");
        if (t >= 0 && t + 1 < args.Length)
        {
            torchCsv = args[t + 1];
            args = args.Where((_, i) => i != t && i != t + 1).ToArray();
        }

        string[] rest = args.Where(a => a is not ("--verify" or "--quick" or "--breakdown" or "--skip-verify")).ToArray();

        // For --verify / --quick a bare word selects cases by name; for BenchmarkDotNet --filter does.
        string? word = verifyOnly || quick || breakdown ? rest.FirstOrDefault(a => !a.StartsWith('-')) : FilterWord(rest);
        bool Include(string caseName) => word is null || caseName.Contains(word, StringComparison.OrdinalIgnoreCase)
            || word.Contains(caseName + "_", StringComparison.OrdinalIgnoreCase);

        bool ok = SelfCheck.Run(Verification, Include);
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
            QuickTimer.Run(Timing, Include, 1.0);
            return 0;
        }

        if (breakdown)
        {
            QuickTimer.Breakdown(Timing, Include, 0.3);
            return 0;
        }

        if (!rest.Contains("--filter"))
        {
            rest = [.. rest, "--filter", "*"];
        }

        var job = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(12)
            .WithIterationTime(TimeInterval.FromMilliseconds(150));
        var config = DefaultConfig.Instance
            .AddJob(job.AsDefault())
            .AddColumn(StatisticColumn.Median, new GflopsColumn())
            .WithOrderer(new CaseOrderer())
            .AddExporter(new TableExporter(torchCsv))
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond).WithRatioStyle(RatioStyle.Value))
            .WithOptions(ConfigOptions.JoinSummary);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
        var table = new TableExporter(torchCsv);
        foreach (var summary in summaries)
        {
            Console.WriteLine();
            Console.WriteLine("// * LayerGen results table (README) *");
            table.ExportToLog(summary, BenchmarkDotNet.Loggers.ConsoleLogger.Default);
        }

        return 0;
    }

    /// <summary>The case named in a --filter glob such as '*Case2*' (null: all cases).</summary>
    private static string? FilterWord(string[] args)
    {
        int i = Array.IndexOf(args, "--filter");
        if (i < 0 || i + 1 >= args.Length)
        {
            return null;
        }

        string glob = args[i + 1].Trim('*');
        return glob.Length == 0 || glob.Contains('*') ? null : glob.Split('.')[^1].Split('_')[0];
    }
}
