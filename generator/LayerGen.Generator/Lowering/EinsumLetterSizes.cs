using System.Collections.Generic;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Lowering;

/// <summary>The size of every letter of an einsum, read from its operands' and its result's buffers.</summary>
internal static class EinsumLetterSizes
{
    public static Dictionary<char, Dim> Of(KernelPlan plan, Node node, EinsumEquation equation)
    {
        var sizes = new Dictionary<char, Dim>();
        for (int i = 0; i < node.Args.Count; i++)
        {
            var shape = plan.Buffers[node.Args[i]].Shape;
            for (int d = 0; d < equation.Inputs[i].Length; d++)
            {
                sizes[equation.Inputs[i][d]] = shape[d];
            }
        }

        for (int d = 0; d < equation.Output.Length; d++)
        {
            sizes[equation.Output[d]] = node.Shape[d];
        }

        return sizes;
    }
}
