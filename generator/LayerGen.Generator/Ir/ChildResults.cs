using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Ir;

/// <summary>The further results of a tuple-returning child's call (<see cref="Op.ChildResult"/>), which every stage finds the same way.</summary>
internal static class ChildResults
{
    /// <summary>The ChildResult nodes of <paramref name="call"/>, in result order (result 1 first); empty for a child returning one tensor.</summary>
    public static IReadOnlyList<int> ChildResultsOf(this Graph graph, int call) =>
        graph.Nodes.Where(n => n.Op == Op.ChildResult && n.Args[0] == call).OrderBy(n => n.Ints[0]).Select(n => n.Id).ToList();

    /// <summary>
    /// For a <see cref="Op.ChildGrad"/>: how many results the child returns. Its Args are the inputs, the results, then
    /// each result's gradient; Ints (input, results) for a child of several inputs or results, () for one of each.
    /// </summary>
    public static int ResultCount(this Node childGrad) => childGrad.Ints.Count > 1 ? childGrad.Ints[1] : 1;

    /// <summary>For a <see cref="Op.ChildGrad"/>: how many inputs the child takes (the first of its Args).</summary>
    public static int InputCount(this Node childGrad) => childGrad.Args.Count - (2 * childGrad.ResultCount());
}
