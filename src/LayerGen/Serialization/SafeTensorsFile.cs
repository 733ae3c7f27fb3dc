using System.Collections.Generic;

namespace LayerGen;

/// <summary>The content of a safetensors file: its tensors (as float) and its string metadata.</summary>
public sealed class SafeTensorsFile
{
    internal SafeTensorsFile(
        IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, SafeTensorsDType> dtypes,
        IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        DTypes = dtypes;
        Metadata = metadata;
    }

    /// <summary>Every tensor by name, in the order of their data in the file, converted to float.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The dtype each tensor was stored in, by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorsDType> DTypes { get; }

    /// <summary>The header's <c>__metadata__</c> map, empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}
