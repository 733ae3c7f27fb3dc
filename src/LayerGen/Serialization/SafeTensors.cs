using System;
using System.Collections.Generic;
using System.IO;

namespace LayerGen;

/// <summary>
/// Saving and loading parameters in the safetensors format, which PyTorch (<c>safetensors.torch</c>),
/// Hugging Face and other frameworks read and write.
/// </summary>
/// <remarks>
/// <para>The format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each
/// tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (plus an optional
/// <c>"__metadata__"</c> map of strings), then the data buffer, row-major and little-endian, which the
/// offsets (relative to its start) cover exactly, with no hole and no overlap.</para>
/// <para>LayerGen writes F32 and reads F32, F16, BF16 and F64 (converted to float). Names are the
/// model's dotted parameter names (<c>"0.weight"</c>), the same PyTorch gives the same module tree.</para>
/// <para>Every read validates the whole header before reading data, and every load validates the whole
/// file against the model before copying anything: a bad file never changes a model.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>
    /// Saves <paramref name="model"/>'s parameters to <paramref name="path"/>, atomically: the file is
    /// written to a temporary file in the same folder, flushed to disk, then renamed over the target,
    /// so a failure part-way leaves any previous file exactly as it was.
    /// </summary>
    /// <param name="model">The model; its <see cref="LayerExtensions.StateDict"/> is what is saved.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="metadata">Free-form strings stored in the header's <c>__metadata__</c>.</param>
    /// <remarks>
    /// <para>A parameter shared under several names is stored once, as safetensors' <c>save_model</c> does:
    /// under its first name in ordinal order, with <c>metadata[otherName] = keptName</c> recording each
    /// dropped alias (unless <paramref name="metadata"/> already has that key).
    /// <see cref="Load(IModule, string, bool)"/> fills every alias again through the sharing.</para>
    /// <para>The target is treated as <see cref="File.WriteAllBytes(string, byte[])"/> would treat it, although a
    /// rename would not ask it: a read-only file is refused and left as it was, byte for byte, and a writable
    /// one keeps its permissions (on Unix, its mode). Read-only means no write bit for anyone on Unix
    /// (<c>chmod a-w</c>), the ReadOnly attribute on Windows; it is read from the file, so it holds for every
    /// user, root included. A folder with no write bit for anyone is refused the same way on Unix, since the
    /// temporary file is made there.</para>
    /// </remarks>
    /// <exception cref="UnauthorizedAccessException">
    /// The file or (on Unix) its folder is read-only, or the OS refuses the temporary file; the message names
    /// <paramref name="path"/> (in full), and an OS refusal is the inner exception.
    /// </exception>
    /// <exception cref="IOException">
    /// Writing failed (the previous file is intact, no temporary file is left), or the temporary file could
    /// not be created (then of the same kind as the OS's error, e.g. <see cref="DirectoryNotFoundException"/>,
    /// naming <paramref name="path"/>, with that error inside).
    /// </exception>
    public static void Save(IModule model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        Save(model, path, metadata, OpenTemporary);

    /// <summary>
    /// Loads a file written by <see cref="Save(IModule, string, IReadOnlyDictionary{string, string}?)"/>,
    /// PyTorch or any safetensors writer into <paramref name="model"/>'s parameters.
    /// </summary>
    /// <param name="model">The model whose parameters receive the values (same tensor objects).</param>
    /// <param name="path">The file.</param>
    /// <param name="strict">When true (the default), every parameter must be in the file and every tensor of the file must be a parameter.</param>
    /// <returns>The keys that did not match (always empty under strict loading).</returns>
    /// <remarks>
    /// A parameter shared under several names needs only one of them in the file, as with safetensors'
    /// <c>load_model</c>. If the file holds several, their values must be equal.
    /// </remarks>
    /// <exception cref="SafeTensorsFormatException">The file is not valid safetensors; the model is unchanged.</exception>
    /// <exception cref="StateDictLoadException">The file does not fit the model (keys, shapes); the model is unchanged.</exception>
    public static IncompatibleKeys Load(IModule model, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        SafeTensorsFile file = Read(path);
        return StateDictLoader.Load(model, file.Tensors, strict, aliasAware: true, fileName: path);
    }

    /// <summary>Reads every tensor and the metadata of the file at <paramref name="path"/>.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is not valid safetensors (the message names it).</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return SafeTensorsReader.Read(stream, path);
    }

    /// <summary>Reads every tensor and the metadata from <paramref name="stream"/>, from its current position to its end.</summary>
    /// <param name="stream">A readable stream; when it cannot seek, its end is where reading stops.</param>
    /// <param name="sourceName">Names the stream in error messages (e.g. a file or URL), or null.</param>
    /// <exception cref="SafeTensorsFormatException">The stream is not valid safetensors.</exception>
    public static SafeTensorsFile Read(Stream stream, string? sourceName = null) => SafeTensorsReader.Read(stream, sourceName);

    /// <summary>
    /// Writes <paramref name="tensors"/> as F32 to <paramref name="stream"/>, laid out as the reference
    /// implementation lays them out (sorted by name, header padded to a multiple of 8 bytes).
    /// </summary>
    /// <remarks>Tensors are written as given: two names with one storage are written twice. To store a model, use <see cref="Save(IModule, string, IReadOnlyDictionary{string, string}?)"/>.</remarks>
    /// <exception cref="ArgumentException">A tensor is null, or is named <c>__metadata__</c>.</exception>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsWriter.Write(stream, tensors, metadata);

    /// <summary>The state to store for <paramref name="model"/>: its state dict without duplicate names, and the metadata recording them.</summary>
    internal static (List<KeyValuePair<string, Tensor>> Tensors, IReadOnlyDictionary<string, string>? Metadata) Deduplicate(
        IModule model, IReadOnlyDictionary<string, string>? metadata)
    {
        List<KeyValuePair<string, Tensor>> all = StateDictLoader.AllNamedParameters(model);
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, string>? merged = null;
        foreach (List<string> group in StateDictLoader.SharedGroups(all))
        {
            merged ??= metadata is null ? new(StringComparer.Ordinal) : new(metadata, StringComparer.Ordinal);
            for (int i = 1; i < group.Count; i++)
            {
                dropped.Add(group[i]);
                merged.TryAdd(group[i], group[0]); // a user's own entry wins, as in safetensors
            }
        }

        all.RemoveAll(entry => dropped.Contains(entry.Key));
        return (all, merged ?? metadata);
    }

    /// <summary>The save, with the opening of the temporary file as a seam so that tests can inject a failing stream.</summary>
    internal static void Save(IModule model, string path, IReadOnlyDictionary<string, string>? metadata, Func<string, Stream> openTemporary)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        (List<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? fullMetadata) = Deduplicate(model, metadata);

        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' names no file", nameof(path));
        SaveDestination.Check(target, folder); // before writing anything: a read-only target fails at once, as WriteAllBytes would
        string temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        Stream stream;
        try
        {
            stream = openTemporary(temporary);
        }
        catch (Exception e) when (SaveDestination.NamingTarget(e, target, temporary) is { } named)
        {
            TryDelete(temporary);
            throw named;
        }

        try
        {
            using (stream)
            {
                SafeTensorsWriter.Write(stream, tensors, fullMetadata);
                stream.Flush();
                if (stream is FileStream file)
                {
                    file.Flush(flushToDisk: true); // the data is on disk before the rename makes it visible
                }
            }

            // Asked again where it matters, just before the rename: the target may have changed meanwhile.
            if (SaveDestination.Check(target, folder) is { } mode && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, mode); // the replacement keeps the old file's permissions
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static Stream OpenTemporary(string path) =>
        new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original error is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
