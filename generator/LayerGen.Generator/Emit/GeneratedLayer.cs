using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Emit;

/// <summary>The output of compiling one layer: its source (empty when it has errors) and diagnostics.</summary>
internal sealed record GeneratedLayer(string HintName, string Source, EquatableArray<DiagnosticInfo> Diagnostics);
