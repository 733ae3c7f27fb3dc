using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Xunit;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// One case of an op family's fixture (<c>tests/LayerGen.Tests/Fixtures/OpFamilies/&lt;family&gt;.json</c>, written by
/// <c>tools/fixtures/make_fixtures.py</c> from <c>op_families.py</c>): PyTorch's output and gradients of one op, and
/// the C# forward expression that computes the same thing. The layer the case describes is
/// <c>[Layer(Input = InputShape)] Case(int n)</c> with <see cref="ParameterCode"/> as its parameters and
/// <c>Forward(Tensor x) =&gt; Forward</c>, constructed with <see cref="N"/>.
/// </summary>
public sealed record OpFamilyCase(
    string Family,
    string Name,
    string Description,
    string Forward,
    int N,
    string InputShape,
    IReadOnlyDictionary<string, string> ParameterCode,
    IReadOnlyDictionary<string, OpFamilyCase.Values> Inputs,
    IReadOnlyDictionary<string, OpFamilyCase.Values> Parameters,
    OpFamilyCase.Values Output,
    OpFamilyCase.Values Dy,
    IReadOnlyDictionary<string, OpFamilyCase.Values> Grads)
{
    /// <summary>The folder of the op families' fixtures.</summary>
    public static string Folder => RepositoryFiles.FullPath("tests/LayerGen.Tests/Fixtures/OpFamilies");

    /// <summary>A tensor of the fixture: its shape and its float64 values (NaN and infinities as the strings JSON needs).</summary>
    public sealed record Values(int[] Shape, double[] Data)
    {
        public float[] Floats => Array.ConvertAll(Data, v => (float)v);
    }

    /// <summary>Every case of every family, by family then case, in file order.</summary>
    public static IReadOnlyList<OpFamilyCase> All { get; } = Directory.GetFiles(Folder, "*.json")
        .Order(StringComparer.Ordinal)
        .SelectMany(Read)
        .ToArray();

    /// <summary>The case's layer: a <c>[Layer]</c> class <c>Case</c> and a construction <c>new Case(N)</c>, so it has a constant kernel.</summary>
    public string Source()
    {
        var parameters = new StringBuilder();
        foreach (var (name, code) in ParameterCode.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parameters.AppendLine($"    [Parameter] Tensor {name} = {code};");
        }

        return $$"""
            using LayerGen;

            namespace OpFamilies;

            [Layer(Input = "{{InputShape}}")]
            public partial class Case(int n)
            {
            {{parameters}}
                Tensor Forward(Tensor x) => {{Forward}};
            }

            public static class Build
            {
                public static Case Create() => new Case({{N}});
            }
            """;
    }

    public override string ToString() => $"{Family}/{Name}";

    private static IEnumerable<OpFamilyCase> Read(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        string family = document.RootElement.GetProperty("family").GetString()!;
        foreach (JsonElement c in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            yield return new OpFamilyCase(
                family,
                c.GetProperty("name").GetString()!,
                c.GetProperty("description").GetString()!,
                c.GetProperty("forward").GetString()!,
                c.GetProperty("n").GetInt32(),
                c.GetProperty("input").GetString()!,
                c.GetProperty("parameterCode").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                Map(c.GetProperty("inputs")),
                Map(c.GetProperty("parameters")),
                Tensor(c.GetProperty("output")),
                Tensor(c.GetProperty("dy")),
                Map(c.GetProperty("grads")));
        }
    }

    private static Dictionary<string, Values> Map(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => Tensor(p.Value));

    private static Values Tensor(JsonElement element) => new(
        element.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
        element.GetProperty("data").EnumerateArray().Select(Number).ToArray());

    private static double Number(JsonElement element) => element.ValueKind == JsonValueKind.String
        ? element.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" or "inf" => double.PositiveInfinity,
            "-Infinity" or "-inf" => double.NegativeInfinity,
            var s => throw new InvalidDataException($"not a number: {s}"),
        }
        : element.GetDouble();

    /// <summary>
    /// Fails unless <paramref name="actual"/> has the expected shape and every element is within
    /// <c>atol + rtol·|expected|</c> of it (NaN only matches NaN, an infinity only the same infinity), naming the
    /// first mismatches and the largest difference (after llm.c's test_gpt2.c).
    /// </summary>
    public static void AssertClose(Values expected, LayerGen.Tensor actual, string what, double atol, double rtol)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape.ToArray()), $"{what}: shape [{string.Join(", ", actual.Shape.ToArray())}], expected [{string.Join(", ", expected.Shape)}]");
        var bad = new List<string>();
        double worst = 0;
        for (int i = 0; i < expected.Data.Length; i++)
        {
            double e = expected.Data[i], a = actual.Data[i];
            bool close = double.IsNaN(e) ? double.IsNaN(a)
                : double.IsInfinity(e) ? a == e
                : Math.Abs(a - e) <= atol + (rtol * Math.Abs(e));
            if (!close)
            {
                worst = double.IsFinite(a - e) ? Math.Max(worst, Math.Abs(a - e)) : double.PositiveInfinity;
                bad.Add(string.Create(CultureInfo.InvariantCulture, $"[{i}] {a:R} vs {e:R}"));
            }
        }

        Assert.True(bad.Count == 0, $"{what}: {bad.Count} of {expected.Data.Length} elements off (largest difference {worst:R}): {string.Join(", ", bad.Take(8))}");
    }
}
