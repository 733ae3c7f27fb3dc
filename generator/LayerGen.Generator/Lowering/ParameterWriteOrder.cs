using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// Decides whether a backward kernel may be handed a parameter's own storage as that parameter's
/// gradient buffer (<c>IBackwardIntoParameters.BackwardSpanIntoParameters</c>: the gradient, pre-scaled by −lr through the
/// loss, added straight into the parameter — SGD without ever storing the gradient).
/// </summary>
/// <remarks>
/// That is sound when, for every parameter, each step that reads it comes strictly before the first step
/// that touches its gradient: then no value the kernel reads has changed yet. The steps' reads and writes come
/// from the plan (<see cref="StepAccess"/>); test builds check them against the emitted text of every kernel.
/// A layer that fails it (for instance <c>x.MatMul(w).MatMul(w)</c>, whose input gradient reads
/// <c>w</c> after <c>w</c>'s gradient is written) keeps the default: it does not support the mode.
/// A child whose backward runs twice (called twice in the forward) fails it too: the first run would change
/// the child's parameters before the second reads them.
/// </remarks>
internal static class ParameterWriteOrder
{
    public static bool GradientsMayGoIntoParameters(KernelPlan plan)
    {
        var steps = plan.BackwardSteps;
        if (plan.ParameterBuffers.Count != plan.ParameterGradBuffers.Count || ChildBackwardRunsTwice(plan))
        {
            return false;
        }

        // By name: a view of a parameter (w.Reshape(...)) is the parameter's buffer under another shape.
        var reads = steps.Select(s => new HashSet<string>(StepAccess.ReadBuffers(plan, s).Select(b => b.Name))).ToList();
        var touched = steps.Select(s => new HashSet<string>(StepAccess.Touched(plan, s).Select(b => b.Name))).ToList();
        for (int p = 0; p < plan.ParameterBuffers.Count; p++)
        {
            string parameter = plan.ParameterBuffers[p].Name;
            string gradient = plan.ParameterGradBuffers[p].Name;
            int lastRead = reads.FindLastIndex(r => r.Contains(parameter));
            int firstWrite = touched.FindIndex(t => t.Contains(gradient));
            if (firstWrite >= 0 && lastRead >= firstWrite)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether some child's backward runs more than once. A child of several inputs has one step per input
    /// but runs once, at its last input's step (ChildGrad Ints: the input's index), so only that step counts.
    /// </summary>
    private static bool ChildBackwardRunsTwice(KernelPlan plan) =>
        plan.BackwardSteps.OfType<ChildGradStep>()
            .Where(g => plan.Graph[g.Node].Ints.Count == 0 || plan.Graph[g.Node].Ints[0] == plan.Graph[g.Node].InputCount() - 1)
            .GroupBy(g => plan.Graph[g.Node].Name)
            .Any(g => g.Count() > 1);
}
