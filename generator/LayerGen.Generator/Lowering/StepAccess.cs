using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// What each step of a kernel reads and writes, from the plan alone: the one record later decisions are made
/// from (the plan's checks, which workspace slices a kernel declares, whether gradients may go straight into
/// parameters), so that none of them has to search emitted text.
/// </summary>
internal static class StepAccess
{
    /// <summary>The values a step reads from buffers (and scalar constants it folds in).</summary>
    public static IEnumerable<int> ReadValues(KernelPlan plan, Step step)
    {
        var graph = plan.Graph;
        return step switch
        {
            ElementwiseStep e => ChainLeaves(plan, e.Root, expandRoot: true),
            ReduceStep r => ChainLeaves(plan, graph[r.Reduce].Args[0], expandRoot: false),
            CopyStep c => ChainLeaves(plan, c.Source, expandRoot: false),
            MatMulStep m => graph[m.MatMul].Args.Concat(m.Epilogue is int root ? ChainLeaves(plan, root, expandRoot: true, accumulator: m.MatMul) : Enumerable.Empty<int>()),
            StructuralStep s => graph[s.Node].Args,
            ChildCallStep c => graph[c.Node].Args,
            ChildGradStep g => graph[g.Node].Args,
            _ => throw new System.InvalidOperationException($"{step.GetType().Name} is a kind of step StepAccess does not know"),
        };
    }

    /// <summary>
    /// The buffers a step reads: those of <see cref="ReadValues"/>, and for a child's backward the slice of the
    /// workspace its forward saved into.
    /// </summary>
    public static IEnumerable<Buffer> ReadBuffers(KernelPlan plan, Step step)
    {
        foreach (int value in ReadValues(plan, step))
        {
            if (plan.Buffers.TryGetValue(value, out var buffer))
            {
                yield return buffer;
            }
        }

        if (step is ChildGradStep grad)
        {
            // Args: inputs..., the call's outputs, their gradients; the call's saved region is keyed by its (first) output.
            var node = plan.Graph[grad.Node];
            yield return plan.ChildSaved[node.Args[node.InputCount()]];
        }
    }

    /// <summary>The node each step computes and the buffer it writes it into (a child's call also fills its saved region).</summary>
    public static IEnumerable<(int Node, Buffer Target)> Writes(KernelPlan plan, Step step)
    {
        switch (step)
        {
            case ElementwiseStep e:
                yield return (e.Root, e.Target.Buffer);
                break;
            case ReduceStep r:
                yield return (r.Reduce, r.Target.Buffer);
                break;
            case CopyStep c:
                yield return (c.Source, c.Target.Buffer);
                break;
            case MatMulStep m:
                yield return (m.Epilogue ?? m.MatMul, m.Target.Buffer);
                break;
            case StructuralStep s:
                yield return (s.Node, s.Target.Buffer);
                break;
            case ChildCallStep c:
                yield return (c.Node, c.Target.Buffer);
                yield return (c.Node, plan.ChildSaved[c.Node]);
                foreach (int result in plan.Graph.ChildResultsOf(c.Node))
                {
                    yield return (result, plan.Buffers[result]); // a tuple's further results, written by the same call
                }

                break;
            case ChildGradStep { Target: { } target } g:
                yield return (g.Node, target.Buffer);
                break;
        }
    }

    /// <summary>Every buffer a step reads or writes.</summary>
    public static IEnumerable<Buffer> Touched(KernelPlan plan, Step step) =>
        ReadBuffers(plan, step).Concat(Writes(plan, step).Select(w => w.Target));

    /// <summary>
    /// The values a fused element-wise chain reads from buffers: it is expanded through every element-wise node
    /// without a buffer of its own (as the emitter's FusedChain does), down to buffered values and constants.
    /// </summary>
    private static IEnumerable<int> ChainLeaves(KernelPlan plan, int root, bool expandRoot, int accumulator = -1)
    {
        var graph = plan.Graph;
        var leaves = new List<int>();
        var seen = new HashSet<int>();
        void Visit(int id)
        {
            if (id == accumulator || !seen.Add(id))
            {
                return;
            }

            var node = graph[id];
            bool inline = node.Op.IsElementwise() && (!plan.Buffers.ContainsKey(id) || (id == root && expandRoot));
            if (!inline)
            {
                leaves.Add(id);
                return;
            }

            foreach (int arg in node.Args)
            {
                Visit(arg);
            }
        }

        Visit(root);
        return leaves;
    }
}
