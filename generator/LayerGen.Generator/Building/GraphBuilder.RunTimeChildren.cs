using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// A child whose features nothing in it fixes (<see cref="RunTimeFeatures"/>: a <c>RowSoftmax</c> holding only
/// <c>x.Softmax(-1)</c>) has sizes no constructor argument gives. Its parent knows them from what it passes: each is the
/// size of the argument at the axis the child's signature names it, in the parent's terms — a constant or one of the
/// parent's sizes (then constant in each constant specialisation of the parent), or, when nothing in the parent fixes
/// it either, a size the parent reads at run time in turn. The parent's kernels tell the child that width before they
/// run it (<c>KernelEmitter</c>).
/// </summary>
internal sealed partial class GraphBuilder
{
    /// <summary>The child's run-time sizes, each bound to the argument's size at its axis; empty for a child with none.</summary>
    private Dictionary<string, Dim> ChildRunTimeSizes(LayerSignature signature, int argument)
    {
        var bound = new Dictionary<string, Dim>(System.StringComparer.Ordinal);
        if (signature.RunTimeSizes.Count == 0)
        {
            return bound;
        }

        int count = signature.InputFeatures.Count;
        var shape = _unifier?.OpenSuffix(ShapeOf(argument), count) ?? ShapeOf(argument);
        for (int j = 0; j < count; j++)
        {
            if (signature.InputFeatures[j].Size?.SingleSymbol is { } size && signature.RunTimeSizes.Contains(size))
            {
                int axis = shape.Rank - count + j;
                // Too few dimensions: the child's own name stands in, and the check of the argument's shape reports it.
                bound[size] = axis >= 1 ? shape[axis] : Dim.Sym(size);
            }
        }

        return bound;
    }

    /// <summary>
    /// A feature size of the child that names one of its run-time sizes, in this layer's terms: the bound sizes and the
    /// construction's arguments substituted; while inferring, the bound unknown itself, or a new unknown for an
    /// expression of one (what the child returns then says nothing about what this layer's input must be).
    /// </summary>
    private Dim? ResolveRunTimeSize(SizeExpr expression, Dictionary<string, Dim> atRunTime, System.Func<string, SizeExpr?> argument)
    {
        if (expression.Symbols.All(s => atRunTime.TryGetValue(s, out var dim) ? dim.IsSize : argument(s) is not null))
        {
            return Dim.Of(expression.Substitute(s => atRunTime.TryGetValue(s, out var dim) ? dim.AsSize : argument(s)!));
        }

        if (expression.SingleSymbol is { } single && atRunTime.TryGetValue(single, out var itself))
        {
            return itself;
        }

        return _unifier?.NewSize();
    }

    /// <summary>
    /// The kernels tell such a child one width per forward (before its workspace is laid out), so every call of one
    /// child must pass the same; otherwise LG0005 on the call that differs.
    /// </summary>
    private bool ToldOneWidth(ChildCallExpr call, int node)
    {
        var told = _graph[node];
        if (!told.ChildReadsFeatures || _unifier is not null)
        {
            return true;
        }

        var before = _graph.Nodes.Take(node).FirstOrDefault(n => n.Op == Op.ChildCall && n.Name == told.Name && n.ChildReadsFeatures);
        if (before is null || before.ChildInput!.Equals(told.ChildInput))
        {
            return true;
        }

        Report(call, $"child layer '{told.Name}' reads its features from its input and is told one width per call of this layer, but is called here with features {Shown(told.ChildInput!)} after {Shown(before.ChildInput!)} ('{before.Text}'): give each use an instance of its own");
        return false;
    }
}
