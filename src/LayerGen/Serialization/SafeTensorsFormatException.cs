using System.IO;

namespace LayerGen;

/// <summary>
/// A safetensors file (or stream) that does not follow the format: truncated, a header that is not a
/// JSON object, an unknown dtype, offsets that overlap or leave holes, a byte count that does not match
/// the shape. The message names the file, the tensor and what was expected against what was found.
/// </summary>
/// <remarks>Reading never touches a model, so a model is unchanged when this is thrown during a load.</remarks>
public sealed class SafeTensorsFormatException : IOException
{
    /// <summary>Creates the exception; <paramref name="message"/> is prefixed with the source and the tensor.</summary>
    /// <param name="source">The file name, or a description of the stream; null when unknown.</param>
    /// <param name="tensorName">The tensor the problem is about, or null for the file as a whole.</param>
    /// <param name="message">What was expected and what was found.</param>
    public SafeTensorsFormatException(string? source, string? tensorName, string message)
        : base(Compose(source, tensorName, message))
    {
        FileName = source;
        TensorName = tensorName;
        Detail = message;
    }

    /// <summary>The file name (or stream description) the problem was found in, when known.</summary>
    public string? FileName { get; }

    /// <summary>The tensor the problem is about, or null when it concerns the file as a whole.</summary>
    public string? TensorName { get; }

    /// <summary>The message without the source and tensor prefix.</summary>
    public string Detail { get; }

    private static string Compose(string? source, string? tensorName, string message)
    {
        string where = source is null ? "safetensors" : $"safetensors file '{source}'";
        return tensorName is null ? $"{where}: {message}" : $"{where}, tensor '{tensorName}': {message}";
    }
}
