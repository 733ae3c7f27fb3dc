using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>A value and the diagnostics found while producing it (STYLE.md, rule 3: diagnostics are data).</summary>
internal sealed record Result<T>(T? Value, EquatableArray<DiagnosticInfo> Diagnostics)
    where T : class;
