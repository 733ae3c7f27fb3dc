using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// The Method column, with the hand-written baseline labelled by the ISA its benchmark process reported
/// ("Hand AVX2", "Hand AVX-512"; <see cref="HandIsa.Report"/>) — BenchmarkDotNet's own Method column shows the
/// constant Description ("Hand") and is hidden.
/// </summary>
public sealed class IsaMethodColumn : IColumn
{
    public string Id => nameof(IsaMethodColumn);

    public string ColumnName => "Method";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Job;

    public int PriorityInCategory => -10;

    public bool IsNumeric => false;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Hand = the hand-written baseline, labelled with the ISA its benchmark process ran (Vector512 for AVX-512, Vector256 for AVX2)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        string display = benchmarkCase.Descriptor.WorkloadMethodDisplayInfo;
        if (!benchmarkCase.Descriptor.WorkloadMethod.Name.StartsWith("Hand", System.StringComparison.Ordinal))
        {
            return display;
        }

        return "Hand " + (HandIsa.FromReport(summary[benchmarkCase]) ?? "?");
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}

/// <summary>The ISA every row's benchmark process ran on (LayerGen's kernels, too, take their Vector512 passes only where accelerated).</summary>
public sealed class IsaColumn : IColumn
{
    public string Id => nameof(IsaColumn);

    public string ColumnName => "ISA";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Job;

    public int PriorityInCategory => -9;

    public bool IsNumeric => false;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "ISA the benchmark process accelerated (AVX-512: Vector512; AVX2: Vector256 only), as it reported from its GlobalSetup";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => HandIsa.FromReport(summary[benchmarkCase]) ?? "?";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => summary.Reports.Any();
}
