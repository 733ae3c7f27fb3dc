using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// How the backward step that first writes a lazily zeroed parameter gradient treats the stale values there (the
/// caller's <c>...IsZero</c> flag says they count as zeros).
/// </summary>
/// <param name="Gradient">The parameter gradient the step writes first.</param>
/// <param name="Zeroing">What the step does about the stale values.</param>
internal sealed record GradientFirstWrite(Buffer Gradient, FirstWriteZeroing Zeroing);

/// <summary>What the first step writing a lazily zeroed gradient does about the stale values in it.</summary>
internal enum FirstWriteZeroing
{
    /// <summary>Nothing: the step assigns (=), so it overwrites them anyway.</summary>
    Assigns,

    /// <summary>
    /// When the flag is set, the step overwrites instead of adding (a product: the GEMM without accumulation, one pass
    /// instead of a clear and an add; its own loops clear first).
    /// </summary>
    Overwrites,

    /// <summary>When the flag is set, the gradient is cleared just before the step, which then adds.</summary>
    ClearsFirst,
}

/// <summary>
/// Chooses, for every lazily zeroed parameter gradient, how the backward kernel zeroes it: through the first step that
/// writes it unconditionally (<see cref="GradientFirstWrite"/>), or cleared at the kernel's start when no step can
/// (none writes it, its first writer runs only for other gradients, or that step already first-writes another).
/// </summary>
internal static class GradientFirstWrites
{
    public static void Decide(KernelPlan plan)
    {
        var steps = plan.BackwardSteps;
        foreach (var gradient in plan.ParameterGradBuffers)
        {
            var first = steps.FirstOrDefault(s => TargetOf(s)?.Buffer == gradient);
            if (first is null || (first.WantedBy.Count > 0 && !first.WantedBy.Contains(gradient.Name)) || plan.FirstWrites.ContainsKey(first))
            {
                plan.GradientsClearedFirst.Add(gradient);
            }
            else
            {
                var zeroing = !TargetOf(first)!.Accumulate ? FirstWriteZeroing.Assigns
                    : IsProduct(plan, first) ? FirstWriteZeroing.Overwrites
                    : FirstWriteZeroing.ClearsFirst;
                plan.FirstWrites[first] = new GradientFirstWrite(gradient, zeroing);
            }
        }
    }

    private static bool IsProduct(KernelPlan plan, Step step) =>
        step is MatMulStep || (step is StructuralStep structural && plan.Graph[structural.Node].Op == Ir.Op.Einsum);

    /// <summary>The buffer a step writes as its result, if it has one of its own.</summary>
    public static Target? TargetOf(Step step) => step switch
    {
        ElementwiseStep e => e.Target,
        MatMulStep m => m.Target,
        ReduceStep r => r.Target,
        StructuralStep s => s.Target,
        CopyStep c => c.Target,
        _ => null,
    };
}
