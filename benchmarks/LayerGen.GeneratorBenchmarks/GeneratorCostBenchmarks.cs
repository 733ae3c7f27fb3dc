using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using LayerGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.GeneratorBenchmarks;

/// <summary>
/// The generator's cost in a compilation of 50 layers (each in its own file, a mix of the chapter's
/// shapes, with constant constructions): a full run from a fresh driver (a command-line build), and
/// one edit to one layer's forward with a driver that already ran (the IDE, as the user types). The
/// same edit once more with the layers ten to a file, where it moves the layers below it.
/// </summary>
[MemoryDiagnoser]
public class GeneratorCostBenchmarks
{
    private const int Layers = 50;
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warm = null!;
    private bool _toggle;
    private CSharpCompilation _shared = null!;
    private CSharpCompilation _sharedEdited = null!;
    private GeneratorDriver _sharedWarm = null!;
    private bool _sharedToggle;

    /// <summary>The 50 layers as the benchmark starts, and with one layer's forward edited.</summary>
    internal CSharpCompilation Original => _compilation;

    internal CSharpCompilation Edited => _edited;

    /// <summary>The layer the shared-file edit changes: the second of its file, whose edit lengthens it.</summary>
    private const int SharedEdit = 21;

    [GlobalSetup]
    public void Setup()
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = Enumerable.Range(0, Layers).Select(i => CSharpSyntaxTree.ParseText(Source(i, edited: false), parse, path: $"Layer{i}.cs")).ToList();
        trees.Add(CSharpSyntaxTree.ParseText(Constructions(), parse, path: "Use.cs"));
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(LayerAttribute).Assembly.Location));
        _compilation = CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var original = trees[Layers / 2];
        _edited = _compilation.ReplaceSyntaxTree(original, CSharpSyntaxTree.ParseText(Source(Layers / 2, edited: true), parse, path: original.FilePath));
        _warm = NewDriver().RunGenerators(_compilation);
        Check(_warm);

        // Ten layers a file: File(k) holds layers 10k .. 10k + 9.
        var sharedTrees = Enumerable.Range(0, Layers / 10).Select(k => CSharpSyntaxTree.ParseText(SharedFile(k, edited: false), parse, path: $"Layers{k}.cs")).ToList();
        sharedTrees.Add(CSharpSyntaxTree.ParseText(Constructions(), parse, path: "Use.cs"));
        _shared = CSharpCompilation.Create("BenchShared", sharedTrees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var sharedOriginal = sharedTrees[SharedEdit / 10];
        _sharedEdited = _shared.ReplaceSyntaxTree(sharedOriginal, CSharpSyntaxTree.ParseText(SharedFile(SharedEdit / 10, edited: true), parse, path: sharedOriginal.FilePath));
        _sharedWarm = NewDriver().RunGenerators(_shared);
        Check(_sharedWarm);
    }

    private static void Check(GeneratorDriver driver)
    {
        var check = driver.GetRunResult();
        if (check.GeneratedTrees.Length != Layers || check.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            throw new System.InvalidOperationException($"the benchmark's layers do not generate cleanly: {check.GeneratedTrees.Length} files, {string.Join("; ", check.Diagnostics)}");
        }
    }

    /// <summary>A command-line build: a fresh driver over all 50 layers.</summary>
    [Benchmark]
    public GeneratorDriver FullRun() => NewDriver().RunGenerators(_compilation);

    /// <summary>Typing in one layer: the warm driver re-runs on the edited compilation (alternating edits).</summary>
    [Benchmark]
    public GeneratorDriver OneEdit()
    {
        _toggle = !_toggle;
        _warm = _warm.RunGenerators(_toggle ? _edited : _compilation);
        return _warm;
    }

    /// <summary>Typing in a layer that shares its file with nine others: the edit moves the eight below it.</summary>
    [Benchmark]
    public GeneratorDriver OneEditInASharedFile()
    {
        _sharedToggle = !_sharedToggle;
        _sharedWarm = _sharedWarm.RunGenerators(_sharedToggle ? _sharedEdited : _shared);
        return _sharedWarm;
    }

    /// <summary>Layers 10k .. 10k + 9 in one file, the one at <see cref="SharedEdit"/> edited or not.</summary>
    private static string SharedFile(int k, bool edited) =>
        "using LayerGen;\nnamespace Bench;\n" + string.Join("\n", Enumerable.Range(10 * k, 10).Select(i =>
            string.Join("\n", Source(i, edited && i == SharedEdit).Split('\n').Skip(2))));

    private static GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create(new[] { new LayerGenerator().AsSourceGenerator() }, parseOptions: new CSharpParseOptions(LanguageVersion.Latest));

    private static string Source(int i, bool edited) => (i % 5) switch
    {
        0 => $$"""
            using LayerGen;
            namespace Bench;
            [Layer] public partial class L{{i}}(int inUnits, int units)
            {
                [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
                [Parameter] Tensor bias = Tensor.Randn(units);
                Tensor Forward(Tensor x) => Ops.{{(edited ? "Tanh" : "Relu")}}(x.MatMul(weight) + bias);
            }
            """,
        1 => $$"""
            using LayerGen;
            namespace Bench;
            [Layer] public partial class L{{i}} { Tensor Forward(Tensor x) => x - x.Mean(){{(edited ? " * 2f" : string.Empty)}}; }
            """,
        2 => $$"""
            using LayerGen;
            namespace Bench;
            [Layer] public partial class L{{i}}(int inputs, int outputs)
            {
                [Parameter] Tensor weight = Tensor.Randn(inputs, inputs, outputs);
                Tensor Forward(Tensor x) => Ops.Einsum("ijk,bi,bj->bk", weight, x, x){{(edited ? " * 2f" : string.Empty)}};
            }
            """,
        3 => $$"""
            using LayerGen;
            namespace Bench;
            [Layer(Input = "[*, n]")] public partial class L{{i}}(int n) { Tensor Forward(Tensor x) => {{(edited ? "Ops.LogSoftmax(x, -1)" : "x.Softmax(-1)")}}; }
            """,
        _ => $$"""
            using LayerGen;
            namespace Bench;
            [Layer] public partial class L{{i}}(int inputs, int hidden, int outputs)
            {
                [Parameter] Tensor w1 = Tensor.Randn(inputs, hidden);
                [Parameter] Tensor w2 = Tensor.Randn(hidden, outputs);
                Tensor Forward(Tensor x)
                {
                    var h = Ops.Tanh(x.MatMul(w1));
                    return {{(edited ? "Ops.Sigmoid(h.MatMul(w2))" : "h.MatMul(w2)")}};
                }
            }
            """,
    };

    private static string Constructions()
    {
        var lines = new List<string> { "using LayerGen;", "namespace Bench;", "static class Use", "{", "    static object[] All() => new object[]", "    {" };
        for (int i = 0; i < Layers; i++)
        {
            lines.Add((i % 5) switch
            {
                0 => $"        new L{i}(64, 8),",
                1 => $"        new L{i}(),",
                2 => $"        new L{i}(16, 8),",
                3 => $"        new L{i}(10),",
                _ => $"        new L{i}(32, 64, 1),",
            });
        }

        lines.AddRange(new[] { "    };", "}" });
        return string.Join("\n", lines);
    }
}
