using System.Collections.Generic;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Decides whether a backward kernel may be handed a parameter's own storage as that parameter's
/// gradient buffer (<c>IBackwardIntoParameters.BackwardSpanIntoParameters</c>: the gradient, pre-scaled by −lr through the
/// loss, added straight into the parameter — SGD without ever storing the gradient).
/// </summary>
/// <remarks>
/// That is sound when, for every parameter, each step that reads it comes strictly before the first step
/// that writes its gradient: then no value the kernel reads has changed yet. The check reads the emitted
/// text of each backward step (comments and string literals removed), so it judges the code that runs,
/// whatever lowering produced it; a parameter named in a step counts as read there, conservatively.
/// A layer that fails it (for instance <c>x.MatMul(w).MatMul(w)</c>, whose input gradient reads
/// <c>w</c> after <c>w</c>'s gradient is written) keeps the default: it does not support the mode.
/// </remarks>
internal static class ParameterWriteOrder
{
    /// <param name="stepTexts">The backward kernel's steps, in order, as emitted.</param>
    /// <param name="parameters">Each parameter's buffer name with its gradient buffer's name.</param>
    public static bool ReadsPrecedeGradientWrites(IReadOnlyList<string> stepTexts, IReadOnlyList<(string Parameter, string Gradient)> parameters)
    {
        var code = new List<string>(stepTexts.Count);
        foreach (string text in stepTexts)
        {
            code.Add(Identifiers.WithoutCommentsAndStrings(text));
        }

        foreach (var (parameter, gradient) in parameters)
        {
            int lastRead = -1;
            int firstWrite = int.MaxValue;
            for (int i = 0; i < code.Count; i++)
            {
                if (Identifiers.Contains(code[i], parameter))
                {
                    lastRead = i;
                }

                if (firstWrite == int.MaxValue && Identifiers.Contains(code[i], gradient))
                {
                    firstWrite = i;
                }
            }

            if (lastRead >= firstWrite)
            {
                return false;
            }
        }

        return true;
    }
}
