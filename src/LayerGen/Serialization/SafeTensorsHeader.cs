using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Unicode;

namespace LayerGen;

/// <summary>One tensor as a safetensors header describes it; offsets are relative to the data buffer.</summary>
internal sealed record SafeTensorsEntry(string Name, SafeTensorsDType DType, int[] Shape, long Begin, long End)
{
    /// <summary>The number of elements (the product of <see cref="Shape"/>; validated to fit an array).</summary>
    public int Count => Tensor.CountOf(Shape);
}

/// <summary>
/// Parses and validates a safetensors header: <c>{ name: {dtype, shape, data_offsets: [begin, end]}, ...,
/// "__metadata__": {string: string} }</c>. Everything about the header is checked here, before any data
/// is read, so that a bad file fails fast and leaves nothing half-done.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>The largest header the reference implementation accepts (100 MB), against hostile length fields.</summary>
    public const long MaxLength = 100_000_000;

    /// <summary>The reserved key of the free-form string → string map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// Parses <paramref name="header"/> and checks the layout against a data buffer of
    /// <paramref name="bufferLength"/> bytes (null when the stream's length is unknown).
    /// </summary>
    /// <returns>The entries in data-offset order, and the metadata (empty when absent).</returns>
    /// <exception cref="SafeTensorsFormatException">Anything about the header is wrong.</exception>
    public static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(
        ReadOnlySpan<byte> header, long? bufferLength, string? source)
    {
        if (!Utf8.IsValid(header))
        {
            throw new SafeTensorsFormatException(source, null, "the header is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray());
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(source, null, $"the header is not valid JSON ({e.Message})");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SafeTensorsFormatException(source, null, $"the header must be a JSON object but is {Describe(root.ValueKind)}");
            }

            var entries = new List<SafeTensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new SafeTensorsFormatException(source, property.Name, "the name appears twice in the header");
                }

                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, source);
                }
                else
                {
                    entries.Add(ReadEntry(property.Name, property.Value, source));
                }
            }

            entries.Sort(static (x, y) => x.Begin != y.Begin ? x.Begin.CompareTo(y.Begin) : x.End.CompareTo(y.End));
            CheckLayout(entries, bufferLength, source);
            return (entries, metadata);
        }
    }

    /// <summary>
    /// The data buffer must be covered exactly: sorted by offset, each tensor starts where the previous one
    /// ended (no overlap, no hole), and the last one ends at the end of the buffer.
    /// </summary>
    private static void CheckLayout(List<SafeTensorsEntry> entries, long? bufferLength, string? source)
    {
        long expected = 0;
        string? previous = null;
        foreach (SafeTensorsEntry entry in entries)
        {
            if (entry.Begin < expected)
            {
                throw new SafeTensorsFormatException(source, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] overlap tensor '{previous}', which ends at byte {expected}");
            }

            if (entry.Begin > expected)
            {
                string after = previous is null ? "the start of the data buffer" : $"the end of tensor '{previous}'";
                throw new SafeTensorsFormatException(source, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] leave a hole of {entry.Begin - expected} bytes after {after} (byte {expected})");
            }

            expected = entry.End;
            previous = entry.Name;
        }

        if (bufferLength is long length)
        {
            if (expected > length)
            {
                throw new SafeTensorsFormatException(source, previous,
                    $"data_offsets end at byte {expected} of the data buffer, which has only {length} bytes (is the file truncated?)");
            }

            if (expected < length)
            {
                string after = previous is null ? "the header (there are no tensors)" : $"the last tensor '{previous}'";
                throw new SafeTensorsFormatException(source, null,
                    $"the data buffer has {length} bytes but the tensors cover {expected}: {length - expected} bytes after {after} belong to no tensor");
            }
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string? source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException(source, null, $"\"{MetadataKey}\" must be an object of strings but is {Describe(value.ValueKind)}");
        }

        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafeTensorsFormatException(source, null,
                    $"\"{MetadataKey}\" entry \"{item.Name}\" must be a string but is {Describe(item.Value.ValueKind)}");
            }

            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw new SafeTensorsFormatException(source, null, $"\"{MetadataKey}\" entry \"{item.Name}\" appears twice");
            }
        }
    }

    private static SafeTensorsEntry ReadEntry(string name, JsonElement value, string? source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException(source, name, $"expected an object {{dtype, shape, data_offsets}} but found {Describe(value.ValueKind)}");
        }

        JsonElement dtypeElement = Required(value, "dtype", JsonValueKind.String, name, source);
        string dtypeName = dtypeElement.GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeName, out SafeTensorsDType dtype, out string problem))
        {
            throw new SafeTensorsFormatException(source, name, problem);
        }

        JsonElement shapeElement = Required(value, "shape", JsonValueKind.Array, name, source);
        var shape = new int[shapeElement.GetArrayLength()];
        int d = 0;
        long count = 1;
        foreach (JsonElement size in shapeElement.EnumerateArray())
        {
            if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt32(out int dim) || dim < 0)
            {
                throw new SafeTensorsFormatException(source, name, $"shape[{d}] must be a non-negative integer but is {size.GetRawText()}");
            }

            shape[d++] = dim;
            count *= dim;
            if (count > Array.MaxLength)
            {
                throw new SafeTensorsFormatException(source, name, $"shape {shapeElement.GetRawText()} has more elements than a tensor can hold ({Array.MaxLength})");
            }
        }

        JsonElement offsets = Required(value, "data_offsets", JsonValueKind.Array, name, source);
        if (offsets.GetArrayLength() != 2
            || !TryGetOffset(offsets[0], out long begin)
            || !TryGetOffset(offsets[1], out long end))
        {
            throw new SafeTensorsFormatException(source, name, $"data_offsets must be two non-negative integers [begin, end] but is {offsets.GetRawText()}");
        }

        if (end < begin)
        {
            throw new SafeTensorsFormatException(source, name, $"data_offsets [{begin}, {end}] end before they begin");
        }

        long expectedBytes = count * SafeTensorsDTypes.SizeOf(dtype);
        if (end - begin != expectedBytes)
        {
            throw new SafeTensorsFormatException(source, name,
                $"shape {Tensor.FormatShape(shape)} of {dtypeName} needs {expectedBytes} bytes but data_offsets [{begin}, {end}] hold {end - begin}");
        }

        return new SafeTensorsEntry(name, dtype, shape, begin, end);
    }

    private static JsonElement Required(JsonElement entry, string property, JsonValueKind kind, string name, string? source)
    {
        if (!entry.TryGetProperty(property, out JsonElement value))
        {
            throw new SafeTensorsFormatException(source, name, $"\"{property}\" is missing");
        }

        if (value.ValueKind != kind)
        {
            throw new SafeTensorsFormatException(source, name, $"\"{property}\" must be {Describe(kind)} but is {Describe(value.ValueKind)}");
        }

        return value;
    }

    private static bool TryGetOffset(JsonElement element, out long offset)
    {
        offset = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out offset) && offset >= 0;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
