using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// Checks, at compile time, that each layer of a <c>new Sequential(...)</c> accepts what the layer
/// before it produces: the features flow through the layers' signatures with the constructions'
/// constant sizes substituted. Shape-agnostic layers (ReLU, CenteredLayer) pass the features on; an
/// entry whose shapes are unknown ends the check. Only the first layer may take int64 ids (an embedding, LG0014); its
/// ids may have any shape, so the next layer's input need only end with the features it produces.
/// </summary>
internal static class SequentialCheck
{
    public static EquatableArray<DiagnosticInfo> Check(SequentialSite site, IEnumerable<LayerSignature?> signatures)
    {
        var known = signatures.Where(s => s is not null).GroupBy(s => s!.LayerFullName).ToDictionary(g => g.Key, g => g.First()!);
        var diagnostics = new List<DiagnosticInfo>();
        int[]? features = null;
        SequentialEntry? previous = null;
        bool openFront = false; // the features follow ids of any shape: more leading feature dimensions may come from the ids
        foreach (var entry in site.Entries)
        {
            var signature = entry.MetadataSignature ?? (known.TryGetValue(entry.TypeFullName, out var s) ? s : null);
            bool takesIds = signature is { InputCount: 1, IdsInputs.Count: > 0 };
            if (takesIds && previous is not null)
            {
                // C# refuses it too (Sequential's first parameter alone takes an IIdsLayer); this says why.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SequentialIdsNotFirst, entry.Location, $"'{entry.Text}'", $"'{previous.Text}'"));
                features = null;
                previous = entry;
                continue;
            }

            if (signature is { InputCount: > 1 } or { OutputCount: > 1 })
            {
                // C# refuses it too (it is no ILayer); this says why, and what to do instead.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SequentialOfModule, entry.Location, $"'{entry.Text}'", signature.InputCount.ToString(System.Globalization.CultureInfo.InvariantCulture), signature.OutputCount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                features = null;
                previous = entry;
                continue;
            }
            var input = signature is null || entry.Sizes is null ? null : Resolve(signature.InputFeatures, signature, entry.Sizes.Value);
            var output = signature is null || entry.Sizes is null ? null : Resolve(signature.OutputFeatures, signature, entry.Sizes.Value);
            if (signature is { RunTimeSizes.Count: > 0 } && signature.InputFeatures.Equals(signature.OutputFeatures))
            {
                // Features read from its input and given back unchanged (x.Softmax(-1)): it keeps the shape it is given.
                input = output = System.Array.Empty<int>();
            }
            if (input is null || output is null)
            {
                features = null;
                previous = entry;
                continue;
            }

            if (features is not null && input.Length > 0 && !features.Skip(System.Math.Max(0, features.Length - input.Length)).SequenceEqual(input)
                && !(openFront && input.Length > features.Length && input.Skip(input.Length - features.Length).SequenceEqual(features)))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.SequentialMismatch,
                    entry.Location,
                    $"'{entry.Text}'",
                    Describe(input),
                    $"'{previous!.Text}'",
                    Describe(features)));
            }

            // A shape-agnostic layer (no input features) keeps the shape it is given.
            features = input.Length == 0 && output.Length == 0 ? features : output;
            openFront = takesIds && input.Length == 0 || openFront && input.Length == 0 && output.Length == 0;
            previous = entry;
        }

        return diagnostics.ToEquatableArray();
    }

    /// <summary>The features with the construction's sizes substituted; null when one is not an expression of the layer's sizes.</summary>
    private static int[]? Resolve(EquatableArray<SizeRef> features, LayerSignature signature, EquatableArray<int> sizes)
    {
        var parameters = signature.Sizes.ToList();
        var result = new int[features.Count];
        for (int i = 0; i < features.Count; i++)
        {
            if (features[i].Size is not { } size || size.Symbols.Any(s => parameters.IndexOf(s) < 0 || parameters.IndexOf(s) >= sizes.Count))
            {
                return null;
            }

            result[i] = (int)size.Evaluate(s => sizes[parameters.IndexOf(s)]);
        }

        return result;
    }

    private static string Describe(int[] features) => features.Length == 1
        ? features[0].ToString(System.Globalization.CultureInfo.InvariantCulture)
        : "[" + string.Join(", ", features) + "]";
}
