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
/// one edit to one layer's forward with a driver that already ran (the IDE, as the user types).
/// </summary>
[MemoryDiagnoser]
public class GeneratorCostBenchmarks
{
    private const int Layers = 50;
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warm = null!;
    private bool _toggle;

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
        var check = _warm.GetRunResult();
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
