using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using LayerGen.Benchmarks.Cases;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>What a run is reported with: the machine, the measured FMA peak, and when and on what it ran.</summary>
/// <param name="Machine">CPU model, logical CPUs, ISA flags and .NET (<see cref="Infrastructure.Machine.Describe"/>).</param>
/// <param name="Peak">Single-thread FMA peak in GFLOP/s, Vector256 and Vector512 (NaN where not accelerated).</param>
/// <param name="LoadAtStart">Load average when the run started.</param>
/// <param name="Commit">`git describe` of the code measured.</param>
/// <param name="Started">When the run started (UTC).</param>
public sealed record RunInfo(string Machine, (double Gflops256, double Gflops512) Peak, string LoadAtStart, string Commit, DateTime Started);

/// <summary>
/// Writes the README's results table (results/*-table.md, and the console), one table per ISA the run's
/// benchmark processes reported (<see cref="HandIsa.Report"/>; with <c>--isa both</c> an AVX-512 machine gives
/// an AVX-512 and an AVX2 table from one run): per case the medians of LayerGen's and the hand-written step,
/// their ratio against the 1.5× target, TorchSharp's step (from the CSV that TorchSharpComparison writes,
/// when present) and the speed-up against the issue's target, the eager path, the forward figures,
/// allocations, and case 5's forward GFLOP/s (and its share of the measured FMA peak). Above the tables:
/// the machine (CPU model from /proc/cpuinfo, ISA), date, commit and load average.
/// </summary>
public sealed class TableExporter(string? torchSharpCsv, RunInfo? run = null) : ExporterBase
{
    private static readonly string[] Order = ["1a", "1b", "2", "3", "4", "5", "6a", "6b", "7", "8"];

    // The speed-up over TorchSharp each case aims for on AVX-512 (1b has none of its own: only the 1.5× of hand).
    private static readonly Dictionary<string, double> TorchTarget512 = new()
    {
        ["1a"] = 100, ["2"] = 100, ["3"] = 100, ["4"] = 100, ["6a"] = 100, ["7"] = 100, ["8"] = 100, ["5"] = 2.5, ["6b"] = 2.5,
    };

    // Issue 17's AVX2 targets: 8 has no TorchSharp target there.
    private static readonly Dictionary<string, double> TorchTarget256 = new()
    {
        ["1a"] = 100, ["2"] = 100, ["3"] = 100, ["4"] = 100, ["6a"] = 100, ["7"] = 100, ["5"] = 2.5, ["6b"] = 2.5,
    };

    protected override string FileExtension => "md";

    protected override string FileCaption => "table";

    public override void ExportToLog(Summary summary, ILogger logger)
    {
        var torch = ReadTorch();
        var rows = new Dictionary<(string Isa, string Case, string Category, string Method), (double Median, long? Bytes)>();
        foreach (var report in summary.Reports)
        {
            var b = report.BenchmarkCase;
            // One table per benchmark process configuration: the ISA it reported, and its job when the run has several.
            string isa = (HandIsa.FromReport(report) ?? "?") + (summary.BenchmarksCases.Select(c => c.Job.ResolvedId).Distinct().Count() > 1 ? $" (job {b.Job.ResolvedId})" : "");
            string id = b.Descriptor.Type.Name.Split('_')[0]["Case".Length..];
            string category = b.Descriptor.Categories.Contains("Forward") ? "Forward" : "Step";
            string method = b.Descriptor.WorkloadMethod.Name.Replace(category, "", StringComparison.Ordinal);
            if (report.ResultStatistics is { } stats)
            {
                rows[(isa, id, category, method)] = (stats.Median / 1000.0, report.GcStats.GetBytesAllocatedPerOperation(b));
            }
        }

        var sb = new StringBuilder();
        if (run is not null)
        {
            sb.AppendLine($"Machine: {run.Machine}; {Machine.FormatPeak(run.Peak)}.");
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Run: {run.Started:yyyy-MM-dd HH:mm} UTC to {DateTime.UtcNow:HH:mm}, commit {run.Commit}, load average (1, 5, 15 min) {run.LoadAtStart} at the start, {Machine.LoadAverage()} at the end."));
            sb.AppendLine();
        }

        foreach (string isa in rows.Keys.Select(k => k.Isa).Distinct().OrderBy(i => i, StringComparer.Ordinal))
        {
            bool wide = isa.StartsWith("AVX-512", StringComparison.Ordinal);
            var torchTarget = wide ? TorchTarget512 : TorchTarget256;
            sb.AppendLine($"**{isa}** (hand-written: {(wide ? "Vector512" : "Vector256")}; LayerGen's kernels {(wide ? "with" : "without")} their Vector512 passes):");
            sb.AppendLine();
            sb.AppendLine($"| case | LayerGen step µs | in-bwd step µs | layer-by-layer step µs | hand {isa} step µs | ratio (≤ 1.5) | TorchSharp step µs | speed-up vs TorchSharp (target) | eager step µs | LayerGen fwd µs | hand {isa} fwd µs | fwd ratio | LayerGen B/call fwd, step, in-bwd | eager B/step | targets |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
            foreach (string id in Order)
            {
                if (!rows.ContainsKey((isa, id, "Step", "LayerGen")))
                {
                    continue;
                }

                // The step the targets are judged on: the faster of the default Trainer and the update-in-backward
                // one (where the case has parameters); "(in-bwd)" marks a ratio from the latter.
                double defaultStep = Get(rows, isa, id, "Step", "LayerGen"), handStep = Get(rows, isa, id, "Step", "Hand");
                double inBackwardStep = Get(rows, isa, id, "Step", "LayerGenInBackward");
                double layerByLayerStep = Get(rows, isa, id, "Step", "LayerGenLayerByLayer");
                bool inBackward = inBackwardStep < defaultStep;
                double lgStep = inBackward ? inBackwardStep : defaultStep;
                string mode = inBackward ? " (in-bwd)" : "";
                double lgFwd = Get(rows, isa, id, "Forward", "LayerGen"), handFwd = Get(rows, isa, id, "Forward", "Hand");
                double eagerStep = Get(rows, isa, id, "Step", "Eager");
                long? lgFwdBytes = rows.GetValueOrDefault((isa, id, "Forward", "LayerGen")).Bytes;
                long? lgStepBytes = rows.GetValueOrDefault((isa, id, "Step", "LayerGen")).Bytes;
                long? inBackwardBytes = rows.GetValueOrDefault((isa, id, "Step", "LayerGenInBackward")).Bytes;
                long? eagerBytes = rows.GetValueOrDefault((isa, id, "Step", "Eager")).Bytes;
                double ratio = lgStep / handStep;
                var met = new List<string> { ratio <= 1.5 ? "1.5× ✓" : "1.5× ✗" };
                string torchStep = "n/a", speedUp = "n/a";
                if (torch.TryGetValue(id, out double ts))
                {
                    torchStep = F(ts);
                    double s = ts / lgStep;
                    if (torchTarget.TryGetValue(id, out double target))
                    {
                        speedUp = $"{F(s)}×{mode} (≥ {F(target)}×)";
                        met.Add(s >= target ? $"{F(target)}× ✓" : $"{F(target)}× ✗");
                    }
                    else
                    {
                        speedUp = $"{F(s)}×";
                    }
                }

                // A run filtered to the steps measured no forward: its bytes and GFLOP/s are not judged, rather than failed.
                bool forwardMeasured = lgFwdBytes is not null;
                met.Add(lgStepBytes == 0 && inBackwardBytes is null or 0 && lgFwdBytes is null or 0
                    ? (forwardMeasured ? "0 B ✓" : "0 B ✓ (steps only)")
                    : "0 B ✗");
                if (id == "5" && forwardMeasured)
                {
                    double gflops = Case5.ForwardFlops / (lgFwd * 1000.0);
                    double goal = wide ? 150 : 75;
                    met.Add(gflops >= goal ? $"{F(gflops)} GFLOP/s ✓" : $"{F(gflops)} GFLOP/s ✗ (≥ {goal})");
                }

                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {id} | {F(defaultStep)} | {F(inBackwardStep)} | {F(layerByLayerStep)} | {F(handStep)} | {ratio:F2}{mode} | {torchStep} | {speedUp} | {F(eagerStep)} | {F(lgFwd)} | {F(handFwd)} | {Ratio(lgFwd / handFwd)} | {(forwardMeasured ? lgFwdBytes.ToString() : "n/a")}, {lgStepBytes}, {(inBackwardBytes is null ? "n/a" : inBackwardBytes)} | {eagerBytes} | {string.Join(", ", met)} |"));
            }

            if (rows.ContainsKey((isa, "5", "Forward", "Hand")) && rows.ContainsKey((isa, "5", "Forward", "LayerGen")))
            {
                sb.AppendLine();
                double peak = wide ? run?.Peak.Gflops512 ?? double.NaN : run?.Peak.Gflops256 ?? double.NaN;
                string Share(double gflops) => double.IsNaN(peak) ? "" : string.Create(CultureInfo.InvariantCulture, $" ({100 * gflops / peak:F0} % of peak)");
                double lg = Case5.ForwardFlops / (Get(rows, isa, "5", "Forward", "LayerGen") * 1000.0);
                double hand = Case5.ForwardFlops / (Get(rows, isa, "5", "Forward", "Hand") * 1000.0);
                string torchPart = torch.TryGetValue("5f", out double tf) ? $", TorchSharp {F(Case5.ForwardFlops / (tf * 1000.0))} GFLOP/s{Share(Case5.ForwardFlops / (tf * 1000.0))}" : "";
                string peakPart = double.IsNaN(peak) ? "" : $"; {(wide ? "Vector512" : "Vector256")} FMA peak measured in this run {F(peak)} GFLOP/s";
                sb.AppendLine($"Case 5 forward on {isa}: LayerGen {F(lg)} GFLOP/s{Share(lg)}, hand {F(hand)} GFLOP/s{Share(hand)}{torchPart} "
                    + $"(26.0 MFLOP per forward; target ≥ {(wide ? "150" : "75")}{peakPart}).");
            }

            sb.AppendLine();
        }

        sb.AppendLine("Medians of the BenchmarkDotNet run" + (torch.Count > 0 ? $"; TorchSharp from {torchSharpCsv}." : "; no TorchSharp CSV found (run TorchSharpComparison first, see README)."));
        foreach (string line in sb.ToString().Split('\n'))
        {
            logger.WriteLine(line.TrimEnd('\r'));
        }
    }

    private static double Get(Dictionary<(string, string, string, string), (double Median, long? Bytes)> rows, string isa, string id, string category, string method) =>
        rows.TryGetValue((isa, id, category, method), out var v) ? v.Median : double.NaN;

    private static string Ratio(double r) => double.IsNaN(r) ? "n/a" : r.ToString("F2", CultureInfo.InvariantCulture);

    private static string F(double v) => v switch
    {
        double.NaN => "n/a",
        >= 100 => v.ToString("F0", CultureInfo.InvariantCulture),
        >= 10 => v.ToString("F1", CultureInfo.InvariantCulture),
        >= 1 => v.ToString("F2", CultureInfo.InvariantCulture),
        _ => v.ToString("F3", CultureInfo.InvariantCulture),
    };

    /// <summary>TorchSharpComparison's CSV: id,forward_us,step_us,... ("5f" holds case 5's forward).</summary>
    private Dictionary<string, double> ReadTorch()
    {
        var result = new Dictionary<string, double>();
        if (torchSharpCsv is null || !File.Exists(torchSharpCsv))
        {
            return result;
        }

        foreach (string line in File.ReadLines(torchSharpCsv).Skip(1))
        {
            var parts = line.Split(',');
            if (parts.Length >= 3)
            {
                result[parts[0]] = double.Parse(parts[2], CultureInfo.InvariantCulture);
                result[parts[0] + "f"] = double.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return result;
    }
}
