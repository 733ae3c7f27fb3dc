using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Emit;

/// <summary>The output of compiling one layer: its source (empty when it has errors) and diagnostics.</summary>
internal sealed record GeneratedLayer(string HintName, string Source, EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>
    /// For a built-in compiled inside LayerGen.dll that takes kernels from the user's assembly: the interface they
    /// implement and the attribute carrying its constant-size kernel text; empty otherwise.
    /// </summary>
    public string BuiltInSource { get; init; } = string.Empty;

    /// <summary>The layer's kernels a generated whole-model training step can call (<see cref="StepEntry"/>); empty for most.</summary>
    public EquatableArray<StepEntry> StepEntries { get; init; } = EquatableArray<StepEntry>.Empty;
}
