using System;
using System.Linq;
using System.Runtime.Intrinsics;
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
///   (no options)         self-check, then every benchmark (BenchmarkDotNet; about 10 minutes on 2 cores)
///   --filter '*Case2*'   self-check, then the matching benchmarks (any BenchmarkDotNet option works)
///   --verify [Case2]     only the self-check (hand and eager vs LayerGen: outputs, loss, gradients)
///   --quick [Case2]      self-check, then a fast in-process timing table (for iterating on kernels)
///   --skip-verify        run the benchmarks even if the self-check fails
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
        if (!Vector512.IsHardwareAccelerated)
        {
            Console.Error.WriteLine("The hand-written baselines need AVX-512 (Vector512.IsHardwareAccelerated is false on this machine).");
            return 2;
        }

        bool verifyOnly = args.Contains("--verify");
        bool quick = args.Contains("--quick");
        bool skipVerify = args.Contains("--skip-verify");
        string[] rest = args.Where(a => a is not ("--verify" or "--quick" or "--skip-verify")).ToArray();

        // For --verify / --quick a bare word selects cases by name; for BenchmarkDotNet --filter does.
        string? word = verifyOnly || quick ? rest.FirstOrDefault(a => !a.StartsWith('-')) : FilterWord(rest);
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
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond).WithRatioStyle(RatioStyle.Value))
            .WithOptions(ConfigOptions.JoinSummary);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
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
