using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// Checks a lowered layer (test builds, the <c>LayerGenVerifyIr</c> switch): every value a step reads is in a
/// buffer that holds it by then — an input, a parameter, the forward's output or output gradient, a value a step
/// before it wrote (for the backward kernel, any the forward kernel wrote), or a value computed inline in the
/// step's own fused chain; every workspace buffer is written by some step (none dangles); and every step writes a
/// buffer of its value's size. The graph itself is checked again first (<see cref="GraphVerifier"/>).
/// </summary>
internal static class PlanVerifier
{
    public static void Check(KernelPlan plan)
    {
        GraphVerifier.Check(plan.Graph, "lowering");
        var problems = new List<string>();
        var written = new HashSet<string>();
        CheckKernel(plan, plan.ForwardSteps, "forward", written, problems);
        CheckKernel(plan, plan.BackwardSteps, "backward", written, problems);

        foreach (var buffer in plan.Workspace.Where(b => !written.Contains(b.Name)))
        {
            problems.Add($"the workspace buffer '{buffer.Name}' is written by no step");
        }

        if (problems.Count > 0)
        {
            throw new IrVerificationException("lowering", problems);
        }
    }

    private static void CheckKernel(KernelPlan plan, List<Step> steps, string kernel, HashSet<string> written, List<string> problems)
    {
        var graph = plan.Graph;
        foreach (var step in steps)
        {
            foreach (int read in Reads(plan, step))
            {
                if (graph[read].Op.IsScalarConstant())
                {
                    continue;
                }

                if (!plan.Buffers.TryGetValue(read, out var buffer))
                {
                    problems.Add($"a {kernel} step reads {graph[read]}, which has no buffer and is not computed inline");
                }
                else if (!IsGiven(buffer) && !written.Contains(buffer.Name))
                {
                    problems.Add($"a {kernel} step reads '{buffer.Name}' ({graph[read]}) before any step writes it");
                }
            }

            foreach (var (node, target) in Writes(plan, step))
            {
                if (target.LengthOverride is null && !Count(target.Shape).Equals(Count(graph[node].Shape)))
                {
                    problems.Add($"a {kernel} step writes {graph[node]} into '{target.Name}' {target.Shape}, of another size");
                }

                written.Add(target.Name);
            }
        }
    }

    /// <summary>Buffers the caller passes in: they hold their values before any step runs.</summary>
    private static bool IsGiven(Buffer buffer) =>
        buffer.Role is BufferRole.Input or BufferRole.Target or BufferRole.Parameter or BufferRole.OutputGrad;

    /// <summary>The values a step reads from buffers.</summary>
    private static IEnumerable<int> Reads(KernelPlan plan, Step step)
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
            _ => throw new System.InvalidOperationException($"{step.GetType().Name} is a kind of step the verifier does not know"),
        };
    }

    /// <summary>The node each step computes and the buffer it writes it into (a child's call also fills its saved region).</summary>
    private static IEnumerable<(int Node, Buffer Target)> Writes(KernelPlan plan, Step step)
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
                break;
            case ChildGradStep { Target: { } target } g:
                yield return (g.Node, target.Buffer);
                break;
        }
    }

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

    /// <summary>The element count as sorted factors, so that [n, m] and [m, n] compare equal.</summary>
    private static string Count(Shape shape) =>
        string.Join(" * ", shape.Dims.Where(d => d.Kind != DimKind.Const).Select(d => d.ToString()).OrderBy(f => f, System.StringComparer.Ordinal)
            .Concat(new[] { shape.Dims.Where(d => d.Kind == DimKind.Const).Aggregate(1L, (p, d) => p * d.Value).ToString(System.Globalization.CultureInfo.InvariantCulture) }));
}
