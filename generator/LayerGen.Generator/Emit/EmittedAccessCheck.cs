using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Test builds only (<see cref="KernelPlan.VerifyEmittedAccess"/>): checks that what the emitted text of a kernel
/// touches agrees with the plan's record of each step's reads and writes (<see cref="StepAccess"/>), from which the
/// workspace declarations and the backward-into-parameters decision are made. A step that names a buffer the plan
/// does not record would make those decisions unsound; this turns that into a failing test instead of wrong results.
/// </summary>
internal static class EmittedAccessCheck
{
    /// <param name="kernelText">The kernel's body as emitted.</param>
    /// <param name="declared">The workspace buffers the kernel declares (from the plan).</param>
    /// <param name="backwardStepTexts">For the backward kernel: each step's text, in order; null for the forward.</param>
    public static void Check(KernelPlan plan, string layerName, string kernelText, List<Buffer> declared, IReadOnlyList<string>? backwardStepTexts)
    {
        var problems = new List<string>();
        string code = Identifiers.WithoutCommentsAndStrings(kernelText);
        foreach (var buffer in plan.Workspace.Where(b => !declared.Contains(b) && Identifiers.Contains(code, b.Name)))
        {
            string line = code.Split('\n').First(l => Identifiers.Contains(l, buffer.Name)).Trim();
            problems.Add($"{layerName}: the kernel uses the workspace buffer '{buffer.Name}' ({line}), which no step's recorded access names");
        }

        if (backwardStepTexts is not null && plan.GradientsMayGoIntoParameters)
        {
            var steps = backwardStepTexts.Select(Identifiers.WithoutCommentsAndStrings).ToList();
            for (int p = 0; p < plan.ParameterBuffers.Count; p++)
            {
                string parameter = plan.ParameterBuffers[p].Name;
                string gradient = plan.ParameterGradBuffers[p].Name;
                int lastRead = steps.FindLastIndex(s => Identifiers.Contains(s, parameter));
                int firstWrite = steps.FindIndex(s => Identifiers.Contains(s, gradient));
                if (firstWrite >= 0 && lastRead >= firstWrite)
                {
                    problems.Add($"{layerName}: the plan lets gradients go into parameters, but the emitted backward names '{parameter}' in step {lastRead} after '{gradient}' in step {firstWrite}");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new IrVerificationException("emit", problems);
        }
    }
}
