using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace LayerGen;

/// <summary>A state entry whose shape differs from the model's parameter of the same name.</summary>
/// <param name="Key">The parameter's dotted name.</param>
/// <param name="CheckpointShape">The shape in the state (or file) being loaded.</param>
/// <param name="ModelShape">The shape of the model's parameter.</param>
public sealed record StateDictShapeMismatch(string Key, int[] CheckpointShape, int[] ModelShape);

/// <summary>A state entry whose dtype differs from the model's tensor of the same name (ids where values are expected, or the reverse).</summary>
/// <param name="Key">The tensor's dotted name.</param>
/// <param name="CheckpointDType">The dtype found in the state (or file) being loaded.</param>
/// <param name="ModelDType">The dtype the model's tensor has, the one expected.</param>
public sealed record StateDictDTypeMismatch(string Key, DType CheckpointDType, DType ModelDType);

/// <summary>
/// A state dict (or safetensors file) that does not fit the model, reported all at once as PyTorch's
/// "Error(s) in loading state_dict for ...": missing keys, unexpected keys, shape and dtype mismatches, and
/// different values given for the names of one shared parameter. The model is unchanged: everything
/// is checked before anything is copied.
/// </summary>
public sealed class StateDictLoadException : Exception
{
    internal StateDictLoadException(
        string layerName,
        string? fileName,
        IReadOnlyList<string> missingKeys,
        IReadOnlyList<string> unexpectedKeys,
        IReadOnlyList<StateDictShapeMismatch> shapeMismatches,
        IReadOnlyList<IReadOnlyList<string>> conflictingAliases,
        IReadOnlyList<StateDictDTypeMismatch>? dtypeMismatches = null)
        : base(Compose(layerName, fileName, missingKeys, unexpectedKeys, shapeMismatches, conflictingAliases, dtypeMismatches ?? []))
    {
        DTypeMismatches = dtypeMismatches ?? [];
        LayerName = layerName;
        FileName = fileName;
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
        ShapeMismatches = shapeMismatches;
        ConflictingAliases = conflictingAliases;
    }

    /// <summary>The <see cref="IModule.LayerName"/> of the model being loaded.</summary>
    public string LayerName { get; }

    /// <summary>The file the state came from, or null for an in-memory state dict.</summary>
    public string? FileName { get; }

    /// <summary>Model parameters the state does not provide (reported under strict loading only).</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>State entries the model has no parameter for (reported under strict loading only).</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Entries whose shape differs from the model's (always an error, as in PyTorch).</summary>
    public IReadOnlyList<StateDictShapeMismatch> ShapeMismatches { get; }

    /// <summary>Entries whose dtype differs from the model's (always an error: ids are not converted to values, nor the reverse).</summary>
    public IReadOnlyList<StateDictDTypeMismatch> DTypeMismatches { get; }

    /// <summary>
    /// Groups of names that are one shared tensor in the model but hold different values in the file
    /// (safetensors loading only, where a shared tensor is normally stored once).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> ConflictingAliases { get; }

    private static string Compose(
        string layerName,
        string? fileName,
        IReadOnlyList<string> missing,
        IReadOnlyList<string> unexpected,
        IReadOnlyList<StateDictShapeMismatch> mismatches,
        IReadOnlyList<IReadOnlyList<string>> conflicts,
        IReadOnlyList<StateDictDTypeMismatch> dtypeMismatches)
    {
        var text = new StringBuilder($"Error(s) in loading state_dict for {layerName}");
        if (fileName is not null)
        {
            text.Append(" from '").Append(fileName).Append('\'');
        }

        text.Append(':');
        if (missing.Count > 0)
        {
            text.Append("\n\tMissing key(s) in state_dict: ").Append(Quote(missing)).Append('.');
        }

        if (unexpected.Count > 0)
        {
            text.Append("\n\tUnexpected key(s) in state_dict: ").Append(Quote(unexpected)).Append('.');
        }

        foreach (StateDictShapeMismatch m in mismatches)
        {
            text.Append("\n\tsize mismatch for ").Append(m.Key)
                .Append(": copying a param with shape ").Append(Tensor.FormatShape(m.CheckpointShape))
                .Append(" from checkpoint, the shape in current model is ").Append(Tensor.FormatShape(m.ModelShape)).Append('.');
        }

        foreach (StateDictDTypeMismatch m in dtypeMismatches)
        {
            text.Append("\n\tdtype mismatch for ").Append(m.Key)
                .Append(": expected ").Append(Tensor.TorchName(m.ModelDType))
                .Append(" (the model's) but found ").Append(Tensor.TorchName(m.CheckpointDType)).Append(" in the checkpoint.");
        }

        foreach (IReadOnlyList<string> group in conflicts)
        {
            text.Append("\n\tdifferent values for ").Append(Quote(group)).Append(", which are one shared parameter in the model.");
        }

        return text.ToString();
    }

    private static string Quote(IEnumerable<string> keys) => string.Join(", ", keys.Select(k => $"\"{k}\""));
}
