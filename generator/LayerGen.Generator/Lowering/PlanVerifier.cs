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
            foreach (int read in StepAccess.ReadValues(plan, step))
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

            foreach (var (node, target) in StepAccess.Writes(plan, step))
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

    /// <summary>The element count as sorted factors, so that [n, m] and [m, n] compare equal.</summary>
    private static string Count(Shape shape) =>
        string.Join(" * ", shape.Dims.Where(d => d.Kind != DimKind.Const).Select(d => d.ToString()).OrderBy(f => f, System.StringComparer.Ordinal)
            .Concat(new[] { shape.Dims.Where(d => d.Kind == DimKind.Const).Aggregate(1L, (p, d) => p * d.Value).ToString(System.Globalization.CultureInfo.InvariantCulture) }));
}
