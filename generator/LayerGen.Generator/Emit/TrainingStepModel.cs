using System.Linq;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Emit;

/// <summary>One layer of a model a whole-model training step may be generated for: its type and its constant sizes.</summary>
internal sealed record StepLayer(string TypeFullName, EquatableArray<int> Sizes);

/// <summary>
/// A <c>new Sequential(...)</c> whose every layer is a construction with constant sizes, as the training-step emitter
/// needs it: no locations, so an edit that only moves the construction leaves it equal.
/// </summary>
internal sealed record StepModel(EquatableArray<StepLayer> Layers)
{
    /// <summary>The model of <paramref name="site"/>, or null when a layer is not a construction with constant sizes.</summary>
    public static StepModel? Of(SequentialSite? site) =>
        site is null || site.Entries.Any(e => e.Sizes is null || e.TypeFullName.Length == 0)
            ? null
            : new StepModel(site.Entries.Select(e => new StepLayer(e.TypeFullName, e.Sizes!.Value)).ToEquatableArray());
}
