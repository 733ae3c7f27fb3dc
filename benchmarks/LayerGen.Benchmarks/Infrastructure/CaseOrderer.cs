using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// One joined summary table, grouped by (case, job, category): the Ratio column of every group is relative
/// to that group's hand-written baseline, run in the same job (so on the same ISA: with `--isa both` the
/// AVX2 job's rows compare with the AVX2 hand version). Rows in case order, then job, Forward before Step,
/// hand / LayerGen / eager.
/// </summary>
public sealed class CaseOrderer : IOrderer
{
    public bool SeparateLogicalGroups => true;

    public IEnumerable<BenchmarkCase> GetExecutionOrder(ImmutableArray<BenchmarkCase> benchmarksCase, IEnumerable<BenchmarkLogicalGroupRule>? order = null) =>
        benchmarksCase.OrderBy(Key, StringComparer.Ordinal).ThenBy(MethodRank);

    public IEnumerable<BenchmarkCase> GetSummaryOrder(ImmutableArray<BenchmarkCase> benchmarksCases, Summary summary) =>
        GetExecutionOrder(benchmarksCases);

    public string GetHighlightGroupKey(BenchmarkCase benchmarkCase) => Key(benchmarkCase);

    public string GetLogicalGroupKey(ImmutableArray<BenchmarkCase> allBenchmarksCases, BenchmarkCase benchmarkCase) => Key(benchmarkCase);

    public IEnumerable<IGrouping<string, BenchmarkCase>> GetLogicalGroupOrder(IEnumerable<IGrouping<string, BenchmarkCase>> logicalGroups, IEnumerable<BenchmarkLogicalGroupRule>? order = null) =>
        logicalGroups.OrderBy(g => g.Key, StringComparer.Ordinal);

    // "Case1a_Centered_2x5/AVX2/1 Forward": Forward sorts before Step.
    private static string Key(BenchmarkCase b) =>
        b.Descriptor.Type.Name + "/" + b.Job.ResolvedId + "/" + (b.Descriptor.Categories.Contains("Forward") ? "1 Forward" : "2 Step");

    private static int MethodRank(BenchmarkCase b) => b.Descriptor.WorkloadMethod.Name switch
    {
        var n when n.StartsWith("Hand", StringComparison.Ordinal) => 0,
        var n when n.StartsWith("LayerGen", StringComparison.Ordinal) => 1,
        _ => 2,
    };
}
