using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// How inputs of int64 ids reach the kernels: as a <c>ReadOnlySpan&lt;long&gt;</c> (the tensor's own storage, no
/// conversion), with no gradient span — ids have no gradient, as in PyTorch.
/// </summary>
internal static class IdsInputs
{
    /// <summary>Whether input <paramref name="index"/> (in the order <c>Forward</c> takes them) holds ids.</summary>
    public static bool InputIsIds(this KernelPlan plan, int index) => plan.Graph[plan.Graph.Inputs[index]].IsIds;

    /// <summary>Whether any input holds ids.</summary>
    public static bool HasIdsInputs(this KernelPlan plan) => plan.Graph.Inputs.Any(id => plan.Graph[id].IsIds);

    /// <summary>The span type of input <paramref name="index"/> in the kernels and the span API.</summary>
    public static string InputSpanType(this KernelPlan plan, int index) => plan.InputIsIds(index) ? "ReadOnlySpan<long>" : "ReadOnlySpan<float>";

    /// <summary>The inputs' gradient span names, in order, without those of ids inputs (which have none).</summary>
    public static IEnumerable<string> InputGradientSpans(this KernelPlan plan) =>
        plan.InputSpans.Where((_, i) => !plan.InputIsIds(i)).Select(s => s.Gradient);
}
