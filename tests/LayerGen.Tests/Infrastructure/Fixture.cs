using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace LayerGen.Tests.Infrastructure;

// Loaders for the libtorch reference fixtures in Fixtures/*.json (format: Fixtures/README.md).
// They are the independent oracle: libtorch computed every output and gradient in float64 on
// inputs that are exact in float32. Nothing here knows about LayerGen's own Tensor type; tests
// hand the numbers to whatever API they exercise and compare with TensorAssert.

/// <summary>
/// One tensor of a fixture: a row-major <paramref name="Data"/> of <paramref name="Shape"/>
/// (an empty shape is a scalar). <see cref="Values"/> keeps the file's float64 numbers;
/// <paramref name="Data"/> holds them rounded to float32, ready to feed into a layer.
/// </summary>
public sealed record FixtureTensor(int[] Shape, float[] Data)
{
    /// <summary>The values as written in the fixture (float64), same order as <see cref="Data"/>.</summary>
    public double[] Values { get; init; } = Array.ConvertAll(Data, static v => (double)v);

    /// <summary>Builds a tensor from float64 values, keeping them in <see cref="Values"/>.</summary>
    public FixtureTensor(int[] shape, double[] values)
        : this(shape, Array.ConvertAll(values, static v => (float)v))
    {
        Values = values;
    }

    /// <summary>Number of elements the shape describes (1 for a scalar).</summary>
    public int ElementCount => ElementCountOf(Shape);

    /// <summary>The shape as PyTorch prints it, e.g. <c>[2, 5]</c>; <c>[]</c> for a scalar.</summary>
    public string ShapeText => FormatShape(Shape);

    public override string ToString() => $"FixtureTensor {ShapeText} ({Data.Length} values)";

    internal static int ElementCountOf(ReadOnlySpan<int> shape)
    {
        int count = 1;
        foreach (int dim in shape)
        {
            count = checked(count * dim);
        }

        return count;
    }

    internal static string FormatShape(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }

    /// <summary>Reads <c>{"shape": [...], "data": [...]}</c>, checking that the two agree.</summary>
    internal static FixtureTensor Parse(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{where}: expected an object {{shape, data}}, found {element.ValueKind}.");
        }

        int[] shape = FixtureJson.Required(element, "shape", where).EnumerateArray().Select(d => d.GetInt32()).ToArray();
        double[] values = FixtureJson.Required(element, "data", where).EnumerateArray().Select(d => Number(d, where)).ToArray();
        int expected = ElementCountOf(shape);
        if (values.Length != expected)
        {
            throw new InvalidDataException(
                $"{where}: shape {FormatShape(shape)} holds {expected} elements but data has {values.Length}.");
        }

        return new FixtureTensor(shape, values);
    }

    /// <summary>A JSON number, or one of the strings "NaN", "Infinity", "-Infinity" (JSON has no literals for them).</summary>
    private static double Number(JsonElement element, string where) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => element.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var other => throw new InvalidDataException($"{where}: \"{other}\" is not a number (only \"NaN\", \"Infinity\" and \"-Infinity\" may be strings)."),
        },
        _ => throw new InvalidDataException($"{where}: expected a number, found {element.ValueKind}."),
    };
}

/// <summary>
/// A layer or op fixture: inputs and parameters in, <see cref="Output"/> out, and the gradients
/// of <c>sum(output * dy)</c> with respect to each input and parameter.
/// </summary>
public sealed class Fixture
{
    private Fixture(
        string name,
        string description,
        string reference,
        IReadOnlyDictionary<string, FixtureTensor> inputs,
        IReadOnlyDictionary<string, FixtureTensor> parameters,
        FixtureTensor output,
        FixtureTensor dy,
        IReadOnlyDictionary<string, FixtureTensor> grads,
        JsonElement? layer)
    {
        Name = name;
        Description = description;
        Reference = reference;
        Inputs = inputs;
        Parameters = parameters;
        Output = output;
        Dy = dy;
        Grads = grads;
        Layer = layer;
    }

    /// <summary>Where the fixtures are copied at build time: <c>&lt;bin&gt;/Fixtures</c>.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public string Name { get; }

    /// <summary>What is computed, in words (shapes, layouts, conventions).</summary>
    public string Description { get; }

    /// <summary>Which implementation produced the numbers (empty when the file does not say).</summary>
    public string Reference { get; }

    /// <summary>Inputs by name, e.g. <c>"x"</c>.</summary>
    public IReadOnlyDictionary<string, FixtureTensor> Inputs { get; }

    /// <summary>Parameters by the name the layer exposes; <c>"0.weight"</c> is the first layer of a Sequential.</summary>
    public IReadOnlyDictionary<string, FixtureTensor> Parameters { get; }

    /// <summary>The forward result.</summary>
    public FixtureTensor Output { get; }

    /// <summary>The upstream gradient, same shape as <see cref="Output"/>.</summary>
    public FixtureTensor Dy { get; }

    /// <summary><c>d sum(output * dy) / d</c> each input and parameter, keyed like Inputs and Parameters.</summary>
    public IReadOnlyDictionary<string, FixtureTensor> Grads { get; }

    /// <summary>Optional extras (constructor sizes, labels), as written in the file.</summary>
    public JsonElement? Layer { get; }

    public override string ToString() => Name;

    /// <summary>Loads <c>Fixtures/&lt;name&gt;.json</c> from the test output directory.</summary>
    public static Fixture Load(string name)
    {
        string path = FixtureJson.PathOf(name);
        using JsonDocument document = FixtureJson.Open(path);
        JsonElement root = document.RootElement;
        string where = Path.GetFileName(path);
        if (root.TryGetProperty("steps", out _))
        {
            throw new InvalidDataException($"{where} is an optimiser fixture: load it with OptimFixture.Load.");
        }

        JsonElement? layer = null;
        if (root.TryGetProperty("layer", out JsonElement layerElement) && layerElement.ValueKind != JsonValueKind.Null)
        {
            layer = layerElement.Clone();
        }

        return new Fixture(
            FixtureJson.String(root, "name", where) ?? name,
            FixtureJson.String(root, "description", where) ?? "",
            FixtureJson.String(root, "reference", where) ?? "",
            FixtureJson.TensorMap(root, "inputs", where),
            FixtureJson.TensorMap(root, "parameters", where),
            FixtureTensor.Parse(FixtureJson.Required(root, "output", where), where + " output"),
            FixtureTensor.Parse(FixtureJson.Required(root, "dy", where), where + " dy"),
            FixtureJson.TensorMap(root, "grads", where),
            layer);
    }

    /// <summary>Names (without <c>.json</c>) of every fixture file, optimiser fixtures included, sorted.</summary>
    public static IReadOnlyList<string> AllNames() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();

    /// <summary>True when the named file is an optimiser fixture (has <c>steps</c>), to be read with <see cref="OptimFixture"/>.</summary>
    public static bool IsOptimFixture(string name)
    {
        using JsonDocument document = FixtureJson.Open(FixtureJson.PathOf(name));
        return document.RootElement.TryGetProperty("steps", out _);
    }

    /// <summary>An integer extra, e.g. <c>LayerInt("units")</c>.</summary>
    public int LayerInt(string property) => LayerProperty(property).GetInt32();

    /// <summary>An integer-array extra, e.g. <c>LayerInts("labels")</c>.</summary>
    public int[] LayerInts(string property) =>
        LayerProperty(property).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>An int64 extra written as <c>{"shape", "data"}</c> (ids, class labels), e.g. <c>LayerIds("ids")</c>, as a tensor of dtype int64.</summary>
    public Tensor LayerIds(string property)
    {
        JsonElement ids = LayerProperty(property);
        int[] shape = ids.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        long[] data = ids.GetProperty("data").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        return Tensor.FromIds(data, shape);
    }

    /// <summary>A string extra, e.g. <c>LayerString("kind")</c>.</summary>
    public string LayerString(string property) => LayerProperty(property).GetString() ?? "";

    private JsonElement LayerProperty(string property)
    {
        if (Layer is JsonElement layer && layer.ValueKind == JsonValueKind.Object
            && layer.TryGetProperty(property, out JsonElement value))
        {
            return value;
        }

        throw new KeyNotFoundException($"Fixture {Name} has no layer.{property}.");
    }
}

/// <summary>
/// An optimiser fixture: a small net trained for a few steps from <see cref="Initial"/>;
/// <c>Steps[i]</c> holds the loss computed in step i (before its update) and every parameter after it.
/// </summary>
public sealed class OptimFixture
{
    private OptimFixture(
        string name,
        string description,
        string reference,
        string model,
        IReadOnlyDictionary<string, FixtureTensor> inputs,
        IReadOnlyDictionary<string, FixtureTensor> initial,
        IReadOnlyList<OptimStep> steps)
    {
        Name = name;
        Description = description;
        Reference = reference;
        Model = model;
        Inputs = inputs;
        Initial = initial;
        Steps = steps;
    }

    public string Name { get; }

    /// <summary>The optimiser and its hyper-parameters, e.g. <c>Adam lr=0.01, betas=(0.9,0.999), eps=1e-8</c>.</summary>
    public string Description { get; }

    public string Reference { get; }

    /// <summary>The net and loss in words, e.g. <c>Linear(6,4) -> tanh -> Linear(4,2) ...</c>.</summary>
    public string Model { get; }

    /// <summary>The batch: <c>"x"</c> and <c>"target"</c>.</summary>
    public IReadOnlyDictionary<string, FixtureTensor> Inputs { get; }

    /// <summary>Parameters before the first step, keyed like <c>"0.weight"</c>.</summary>
    public IReadOnlyDictionary<string, FixtureTensor> Initial { get; }

    public IReadOnlyList<OptimStep> Steps { get; }

    public override string ToString() => Name;

    /// <summary>Loads <c>Fixtures/&lt;name&gt;.json</c>, e.g. <c>OptimFixture.Load("optim_adam")</c>.</summary>
    public static OptimFixture Load(string name)
    {
        string path = FixtureJson.PathOf(name);
        using JsonDocument document = FixtureJson.Open(path);
        JsonElement root = document.RootElement;
        string where = Path.GetFileName(path);
        var steps = new List<OptimStep>();
        int index = 0;
        foreach (JsonElement step in FixtureJson.Required(root, "steps", where).EnumerateArray())
        {
            string stepWhere = $"{where} steps[{index++}]";
            steps.Add(new OptimStep(
                FixtureJson.Required(step, "loss", stepWhere).GetDouble(),
                FixtureJson.TensorMap(step, "parameters", stepWhere)));
        }

        return new OptimFixture(
            FixtureJson.String(root, "name", where) ?? name,
            FixtureJson.String(root, "description", where) ?? "",
            FixtureJson.String(root, "reference", where) ?? "",
            FixtureJson.String(root, "model", where) ?? "",
            FixtureJson.TensorMap(root, "inputs", where),
            FixtureJson.TensorMap(root, "initial", where),
            steps);
    }
}

/// <summary>One optimiser step: the loss before the update and every parameter after it.</summary>
public sealed record OptimStep(double Loss, IReadOnlyDictionary<string, FixtureTensor> Parameters);

/// <summary>The small JSON plumbing the fixture loaders share.</summary>
internal static class FixtureJson
{
    public static string PathOf(string name)
    {
        string fileName = name.EndsWith(".json", StringComparison.Ordinal) ? name : name + ".json";
        string path = Path.Combine(Fixture.Directory, fileName);
        if (!File.Exists(path))
        {
            string available = System.IO.Directory.Exists(Fixture.Directory)
                ? string.Join(", ", Fixture.AllNames())
                : "(the directory does not exist: is Fixtures/** copied to the output?)";
            throw new FileNotFoundException($"No fixture '{name}' at {path}. Available: {available}", path);
        }

        return path;
    }

    public static JsonDocument Open(string path) =>
        JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = false });

    public static JsonElement Required(JsonElement parent, string property, string where) =>
        parent.TryGetProperty(property, out JsonElement value)
            ? value
            : throw new InvalidDataException($"{where}: missing \"{property}\".");

    public static string? String(JsonElement parent, string property, string where) =>
        parent.TryGetProperty(property, out JsonElement value) ? value.GetString() : null;

    /// <summary>A <c>{name: {shape, data}}</c> object; absent means empty. Keeps the file's order.</summary>
    public static IReadOnlyDictionary<string, FixtureTensor> TensorMap(JsonElement parent, string property, string where)
    {
        var map = new Dictionary<string, FixtureTensor>(StringComparer.Ordinal);
        if (!parent.TryGetProperty(property, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return map;
        }

        foreach (JsonProperty entry in element.EnumerateObject())
        {
            map.Add(entry.Name, FixtureTensor.Parse(entry.Value, $"{where} {property}.{entry.Name}"));
        }

        return map;
    }
}
