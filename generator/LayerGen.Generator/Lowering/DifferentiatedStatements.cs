using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// Which statement of the forward each backward step differentiates, so the backward kernel can head its loops with
/// that line, as llm.c does ("in the forward this was: …; so now: …").
/// </summary>
/// <remarks>
/// A forward value belongs to the first statement whose expression computes it (a value a later statement reuses
/// stays with the first); a backward node belongs to the statement of the forward node whose vector-Jacobian
/// product made it (<see cref="Graph.DifferentiatedFrom"/>).
/// </remarks>
internal sealed class DifferentiatedStatements
{
    private readonly Graph _graph;
    private readonly Dictionary<int, ForwardStatement> _owner = new();

    public DifferentiatedStatements(Graph graph)
    {
        _graph = graph;
        foreach (var statement in graph.Statements)
        {
            var stack = new Stack<int>();
            stack.Push(statement.Node);
            while (stack.Count > 0)
            {
                int id = stack.Pop();
                var node = graph[id];
                if (node.IsBackward || node.Op.IsLeaf() || _owner.ContainsKey(id))
                {
                    continue;
                }

                _owner[id] = statement;
                foreach (int arg in node.Args)
                {
                    stack.Push(arg);
                }
            }
        }
    }

    /// <summary>
    /// The forward statements <paramref name="step"/> differentiates, as written, latest first (the backward's order):
    /// those of its root and of every node fused into its loop (a matmul, the element-wise chain that has no buffer).
    /// Empty for a forward step.
    /// </summary>
    public EquatableArray<string> Of(Step step, KernelPlan plan)
    {
        var (root, matmul) = step switch
        {
            ElementwiseStep e => (e.Root, -1),
            MatMulStep m => (m.Epilogue ?? m.MatMul, m.MatMul),
            ReduceStep r => (r.Reduce, -1),
            StructuralStep s => (s.Node, -1),
            ChildGradStep c => (c.Node, -1),
            CopyStep c => (c.Source, -1),
            _ => (-1, -1),
        };

        var owners = new HashSet<ForwardStatement>();
        var stack = new Stack<int>(new[] { root, matmul }.Where(n => n >= 0));
        var seen = new HashSet<int>();
        while (stack.Count > 0)
        {
            int id = stack.Pop();
            if (!seen.Add(id) || !_graph[id].IsBackward)
            {
                continue;
            }

            if (_graph.DifferentiatedFrom.TryGetValue(id, out int forward) && _owner.TryGetValue(forward, out var statement))
            {
                owners.Add(statement);
            }

            // The loop also computes the element-wise values it reads that have no buffer of their own.
            foreach (int arg in _graph[id].Args.Where(a => _graph[a].Op.IsElementwise() && !plan.Buffers.ContainsKey(a)))
            {
                stack.Push(arg);
            }
        }

        return _graph.Statements.Where(owners.Contains).Reverse().Select(s => s.Code).ToEquatableArray();
    }
}
