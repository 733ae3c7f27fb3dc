using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>A value and the diagnostics found while producing it (STYLE.md, rule 3: diagnostics are data).</summary>
internal sealed record Result<T>(T? Value, EquatableArray<DiagnosticInfo> Diagnostics)
    where T : class;

/// <summary>
/// A parsed [Layer] or [Loss] declaration and, beside it, where its declarations start (the anchors of the
/// model's relative locations): the generator caches on <see cref="Result"/> alone, so that moving a layer in
/// its file re-runs nothing but the reporting of its diagnostics.
/// </summary>
internal sealed record ParsedLayer(Result<LayerModel> Result, EquatableArray<SourceAnchor> Anchors);
