using System.Linq;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Emit;

/// <summary>One layer of a model a whole-model training step may be generated for: its type and its constant sizes.</summary>
/// <param name="TypeFullName">The layer's name without type arguments, as its kernels are found by.</param>
/// <param name="Sizes">The construction's constant sizes.</param>
/// <param name="TypeName">The constructed type as the step names it, type arguments included; empty when it cannot.</param>
internal sealed record StepLayer(string TypeFullName, EquatableArray<int> Sizes, string TypeName);

/// <summary>
/// A <c>new Sequential(...)</c> whose every layer is a construction with constant sizes, or (<see cref="OneLayer"/>) a
/// construction of a generic layer that is a model of its own, as the training-step emitter needs it: no locations, so an
/// edit that only moves the construction leaves it equal.
/// </summary>
internal sealed record StepModel(EquatableArray<StepLayer> Layers)
{
    /// <summary>
    /// Whether the model is the one layer itself, not a <c>Sequential</c>: a construction of a generic layer, whose step
    /// names the constructed type (a non-generic layer's kernels are models of their own without a construction).
    /// </summary>
    public bool OneLayer { get; init; }

    /// <summary>The model of <paramref name="site"/>, or null when a layer is not a construction with constant sizes.</summary>
    public static StepModel? Of(SequentialSite? site) =>
        site is null || site.Entries.Any(e => e.Sizes is null || e.TypeFullName.Length == 0)
            ? null
            : new StepModel(site.Entries.Select(e => new StepLayer(e.TypeFullName, e.Sizes!.Value, e.TypeName)).ToEquatableArray());

    /// <summary>The model that is the generic layer constructed at <paramref name="construction"/> (<see cref="SequentialReader.ReadGenericLayer"/>), or null.</summary>
    public static StepModel? OfGenericLayer(SequentialEntry? construction) =>
        construction?.Sizes is { } sizes && construction.TypeName.Length > 0
            ? new StepModel(new[] { new StepLayer(construction.TypeFullName, sizes, construction.TypeName) }.ToEquatableArray()) { OneLayer = true }
            : null;
}
