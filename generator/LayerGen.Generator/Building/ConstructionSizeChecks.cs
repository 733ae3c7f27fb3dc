using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// The size checks of a layer's constructor (<see cref="Graph.SizeChecks"/>) applied to the constructions with constant
/// sizes the compilation holds: <c>new HeadSplit(2, 9, 2)</c>, whose 9 is not a multiple of 2, would throw when it runs,
/// so it is a compile-time error (LG0005) on the op that needs the sizes, naming the construction.
/// </summary>
internal static class ConstructionSizeChecks
{
    /// <summary>Reports every broken check of every construction; false when there was one.</summary>
    public static bool Check(LayerModel layer, Graph graph, EquatableArray<EquatableArray<int>> constructions, Names names, List<DiagnosticInfo> diagnostics)
    {
        bool fine = true;
        foreach (var sizes in constructions.Where(s => s.Count == layer.SizeParameters.Count))
        {
            long Value(string kernelName) => sizes[layer.SizeParameters.ToList().FindIndex(p => names.Size(p) == kernelName)];
            foreach (var check in graph.SizeChecks.Where(c => !c.Holds(Value)))
            {
                string construction = $"{layer.ClassName}({string.Join(", ", layer.SizeParameters.Select((p, i) => $"{p}: {sizes[i].ToString(CultureInfo.InvariantCulture)}"))})";
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ShapeMismatch,
                    check.Location,
                    check.OpText,
                    $"it needs {check.Describe(names.OriginalSize)}, which the construction {construction} in this compilation breaks: "
                    + $"{check.Left.Evaluate(Value).ToString(CultureInfo.InvariantCulture)} against {check.Right.Evaluate(Value).ToString(CultureInfo.InvariantCulture)}"));
                fine = false;
            }
        }

        return fine;
    }
}
