using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using LayerGen.Benchmarks.Cases;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>GFLOP/s of case 5's forward: 2·64·784·256 + 2·64·256·10 floating-point operations over the mean time.</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);

    public string ColumnName => "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Case 5 forward only: 26.0 MFLOP (2·64·784·256 + 2·64·256·10) / mean time";

    private static bool Applies(BenchmarkCase b) =>
        b.Descriptor.Type == typeof(Case5_Mlp784_Batch64) && b.Descriptor.Categories.Contains("Forward");

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (!Applies(benchmarkCase))
        {
            return "-";
        }

        var stats = summary[benchmarkCase]?.ResultStatistics;
        return stats is null ? "NA" : (Case5.ForwardFlops / stats.Mean).ToString("F1", CultureInfo.InvariantCulture); // flop per ns = GFLOP/s
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(Applies);
}
