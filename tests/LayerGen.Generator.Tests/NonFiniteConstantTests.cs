using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Infinite and NaN constants are ordinary values in a forward definition (the attention mask
/// <c>Ops.Where(mask, scores, float.NegativeInfinity)</c>, <c>x.Clamp(0f, float.PositiveInfinity)</c>): the
/// generated code must spell them <c>float.PositiveInfinity</c>, <c>float.NegativeInfinity</c> and <c>float.NaN</c>
/// (once it wrote <c>Infinityf</c>, which does not build). Checked at every place a constant is emitted, and
/// for every real literal of every layer source in the repository.
/// </summary>
public class NonFiniteConstantTests
{
    /// <summary>The spellings a user writes: the named constants and the folded divisions.</summary>
    public static readonly string[] NonFinite =
    [
        "float.PositiveInfinity", "float.NegativeInfinity", "float.NaN", "1f / 0f", "-1f / 0f", "0f / 0f", "(float)double.PositiveInfinity",
    ];

    /// <summary>Every place a constant reaches the emitted code, with {C} where it goes.</summary>
    public static readonly string[] Places =
    [
        "x + {C}",                                   // a scalar operand of + - * /, in the forward and the backward
        "x * {C} - ({C} / (x * x + 1f))",
        "x.Clamp(0f, {C})",                          // clamp bounds, and InRange in the backward
        "Ops.Clamp(x, {C}, 1f)",
        "x.Pow({C})",                                // an exponent, and exponent − 1 in the backward
        "Ops.Where(x > 0f, x, {C})",                 // the attention-mask pattern
        "Ops.Where(x > 0f, {C}, x)",
        "Ops.Where(x > {C}, x, 0f * x)",             // a comparison's threshold
        "Ops.Where(x.Gt({C}), x, 0f * x)",
        "Ops.Softmax(Ops.Where(x > 0f, x, {C}), -1)",
    ];

    public static TheoryData<string, string> PlacesAndValues()
    {
        var data = new TheoryData<string, string>();
        foreach (string place in Places)
        {
            foreach (string value in NonFinite)
            {
                data.Add(place, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PlacesAndValues))]
    public void A_non_finite_constant_is_emitted_as_csharp_that_builds(string place, string value)
    {
        string forward = place.Replace("{C}", value, StringComparison.Ordinal);
        string source = DemoLayer.Generate("int n", "[Parameter] Tensor unused = Tensor.Zeros(n);", forward);
        Assert.DoesNotContain("Infinityf", source);
        Assert.DoesNotContain("NaNf", source);
    }

    [Theory]
    [InlineData("float.NaN")]
    [InlineData("float.PositiveInfinity")]
    [InlineData("1f")]
    [InlineData("-0.5f")]
    public void A_dropout_probability_outside_zero_to_one_is_refused_not_emitted(string p)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            $$"""
            using LayerGen;

            [Layer(Input = "[*, n]")]
            public partial class Dropping(int n)
            {
                Tensor Forward(Tensor x) => Ops.Dropout(x, {{p}});
            }
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("LG0005", diagnostic.Id);
        Assert.Contains("the dropout probability must be in [0, 1)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> LayerSourcesAndValues()
    {
        var data = new TheoryData<string, string>();
        foreach (string path in ((IEnumerable<object[]>)RobustnessTests.LayerSources()).Select(row => (string)row[0]))
        {
            foreach (string value in new[] { "float.PositiveInfinity", "float.NegativeInfinity", "float.NaN" })
            {
                data.Add(path, value);
            }
        }

        return data;
    }

    /// <summary>
    /// Every real (float or double) literal of a repository layer file replaced by one non-finite value at
    /// once: the generator may refuse a layer (a dropout probability of NaN is an error), but what it does
    /// emit must build.
    /// </summary>
    [Theory]
    [MemberData(nameof(LayerSourcesAndValues))]
    public void Every_real_literal_of_a_layer_source_may_be_non_finite(string relativePath, string value)
    {
        string source = RepositoryFiles.Read(relativePath);
        SyntaxTree tree = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions);
        var literals = tree.GetRoot().DescendantTokens()
            .Where(t => t.IsKind(SyntaxKind.NumericLiteralToken) && t.Value is float or double)
            .ToList();
        if (literals.Count == 0)
        {
            return;
        }

        // Replaced in the text, last first so earlier positions stay valid.
        var text = new System.Text.StringBuilder(source);
        foreach (SyntaxToken literal in literals.OrderByDescending(t => t.SpanStart))
        {
            string spelled = literal.Value is float ? value : value.Replace("float.", "double.", StringComparison.Ordinal);
            text.Remove(literal.SpanStart, literal.Span.Length).Insert(literal.SpanStart, "(" + spelled + ")");
        }

        string replaced = text.ToString();
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(replaced);

        Assert.Null(run.Exception);
        var inGenerated = run.CompilationErrors.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true).ToList();
        Assert.True(inGenerated.Count == 0, $"{relativePath} with {value}:\n{string.Join("\n", inGenerated.Take(5))}");
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "LG0999");
    }
}
