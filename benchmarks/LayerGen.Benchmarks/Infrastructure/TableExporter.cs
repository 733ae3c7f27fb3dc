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

/// <summary>
/// Writes the README's results table (results/LayerGen-table.md, and the console): per case the medians of
/// LayerGen's and the hand-written step, their ratio against the 1.5× target, TorchSharp's step (from the
/// CSV that TorchSharpComparison writes, when present) and the speed-up against the issue's target, the
/// eager path, the forward figures, allocations, and case 5's forward GFLOP/s.
/// </summary>
public sealed class TableExporter(string? torchSharpCsv) : ExporterBase
{
    private static readonly string[] Order = ["1a", "1b", "2", "3", "4", "5", "6a", "6b", "7", "8"];

    // The speed-up over TorchSharp each case aims for (1b has none of its own: only the 1.5× of hand).
    private static readonly Dictionary<string, double> TorchTarget = new()
    {
        ["1a"] = 100, ["2"] = 100, ["3"] = 100, ["4"] = 100, ["6a"] = 100, ["7"] = 100, ["8"] = 100, ["5"] = 2.5, ["6b"] = 2.5,
    };

    protected override string FileExtension => "md";

    protected override string FileCaption => "table";

    public override void ExportToLog(Summary summary, ILogger logger)
    {
        var torch = ReadTorch();
        var rows = new Dictionary<(string Case, string Category, string Method), (double Median, long? Bytes)>();
        foreach (var report in summary.Reports)
        {
            var b = report.BenchmarkCase;
            string id = b.Descriptor.Type.Name.Split('_')[0]["Case".Length..];
            string category = b.Descriptor.Categories.Contains("Forward") ? "Forward" : "Step";
            string method = b.Descriptor.WorkloadMethod.Name.Replace(category, "", StringComparison.Ordinal);
            if (report.ResultStatistics is { } stats)
            {
                rows[(id, category, method)] = (stats.Median / 1000.0, report.GcStats.GetBytesAllocatedPerOperation(b));
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine("| case | LayerGen step µs | in-bwd step µs | hand V512 step µs | ratio (≤ 1.5) | TorchSharp step µs | speed-up vs TorchSharp (target) | eager step µs | LayerGen fwd µs | hand fwd µs | fwd ratio | LayerGen B/call fwd, step, in-bwd | eager B/step | targets |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
        foreach (string id in Order)
        {
            if (!rows.ContainsKey((id, "Step", "LayerGen")))
            {
                continue;
            }

            // The step the targets are judged on: the faster of the default Trainer and the update-in-backward
            // one (where the case has parameters); "(in-bwd)" marks a ratio from the latter.
            double defaultStep = Get(rows, id, "Step", "LayerGen"), handStep = Get(rows, id, "Step", "Hand");
            double inBackwardStep = Get(rows, id, "Step", "LayerGenInBackward");
            bool inBackward = inBackwardStep < defaultStep;
            double lgStep = inBackward ? inBackwardStep : defaultStep;
            string mode = inBackward ? " (in-bwd)" : "";
            double lgFwd = Get(rows, id, "Forward", "LayerGen"), handFwd = Get(rows, id, "Forward", "Hand");
            double eagerStep = Get(rows, id, "Step", "Eager");
            long? lgFwdBytes = rows.GetValueOrDefault((id, "Forward", "LayerGen")).Bytes;
            long? lgStepBytes = rows.GetValueOrDefault((id, "Step", "LayerGen")).Bytes;
            long? inBackwardBytes = rows.GetValueOrDefault((id, "Step", "LayerGenInBackward")).Bytes;
            long? eagerBytes = rows.GetValueOrDefault((id, "Step", "Eager")).Bytes;
            double ratio = lgStep / handStep;
            var met = new List<string> { ratio <= 1.5 ? "1.5× ✓" : "1.5× ✗" };
            string torchStep = "n/a", speedUp = "n/a";
            if (torch.TryGetValue(id, out double ts))
            {
                torchStep = F(ts);
                double s = ts / lgStep;
                if (TorchTarget.TryGetValue(id, out double target))
                {
                    speedUp = $"{F(s)}×{mode} (≥ {F(target)}×)";
                    met.Add(s >= target ? $"{F(target)}× ✓" : $"{F(target)}× ✗");
                }
                else
                {
                    speedUp = $"{F(s)}×";
                }
            }

            met.Add(lgFwdBytes == 0 && lgStepBytes == 0 && inBackwardBytes is null or 0 ? "0 B ✓" : "0 B ✗");
            if (id == "5")
            {
                double gflops = Case5.ForwardFlops / (lgFwd * 1000.0);
                met.Add(gflops >= 150 ? $"{F(gflops)} GFLOP/s ✓" : $"{F(gflops)} GFLOP/s ✗ (≥ 150)");
            }

            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {id} | {F(defaultStep)} | {F(inBackwardStep)} | {F(handStep)} | {ratio:F2}{mode} | {torchStep} | {speedUp} | {F(eagerStep)} | {F(lgFwd)} | {F(handFwd)} | {lgFwd / handFwd:F2} | {lgFwdBytes}, {lgStepBytes}, {(inBackwardBytes is null ? "n/a" : inBackwardBytes)} | {eagerBytes} | {string.Join(", ", met)} |"));
        }

        if (rows.ContainsKey(("5", "Forward", "Hand")))
        {
            sb.AppendLine();
            string torchPart = torch.TryGetValue("5f", out double tf) ? $", TorchSharp {F(Case5.ForwardFlops / (tf * 1000.0))} GFLOP/s" : "";
            sb.AppendLine($"Case 5 forward: LayerGen {F(Case5.ForwardFlops / (Get(rows, "5", "Forward", "LayerGen") * 1000.0))} GFLOP/s, "
                + $"hand Vector512 {F(Case5.ForwardFlops / (Get(rows, "5", "Forward", "Hand") * 1000.0))} GFLOP/s{torchPart} (26.0 MFLOP per forward, target ≥ 150).");
        }

        sb.AppendLine();
        sb.AppendLine("Medians of the BenchmarkDotNet run" + (torch.Count > 0 ? $"; TorchSharp from {torchSharpCsv}." : "; no TorchSharp CSV found (run TorchSharpComparison first, see README)."));
        foreach (string line in sb.ToString().Split('\n'))
        {
            logger.WriteLine(line.TrimEnd('\r'));
        }
    }

    private static double Get(Dictionary<(string, string, string), (double Median, long? Bytes)> rows, string id, string category, string method) =>
        rows.TryGetValue((id, category, method), out var v) ? v.Median : double.NaN;

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
