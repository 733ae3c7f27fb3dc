using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// A C# code block of a Markdown file, with what the line before it says the generator does with it.
/// </summary>
/// <param name="File">The Markdown file, from the repository root.</param>
/// <param name="Line">The 1-based line of the block's opening fence.</param>
/// <param name="Code">The block's text.</param>
/// <param name="Annotation">The HTML comment on the line before the fence, without <c>&lt;!--</c> and <c>--&gt;</c>; null when there is none.</param>
public sealed record DocSample(string File, int Line, string Code, string? Annotation)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>
/// The code samples of the documentation, each checked against the generator. Every <c>```csharp</c>
/// block is preceded by an HTML comment saying what it does:
/// <list type="bullet">
/// <item><c>&lt;!-- compiles --&gt;</c>, or <c>&lt;!-- fixed LGnnnn --&gt;</c> (the fix shown for LGnnnn): the
/// generator generates code for every [Layer] and [Loss] class of the block, and neither it nor the
/// compiler reports an error or a warning (infos are fine).</item>
/// <item><c>&lt;!-- triggers LGnnnn --&gt;</c> (several IDs separated by spaces): the generator reports
/// exactly those IDs, each at least once, and no other LayerGen diagnostic; the compiler reports no error.</item>
/// </list>
/// A block that is not a whole file says so after a semicolon, and is wrapped before it is compiled:
/// <c>fragment: declarations</c> (types: <c>using LayerGen;</c> and a namespace are added), or
/// <c>fragment: members of &lt;class header&gt;</c> (fields and methods: also the class around them,
/// e.g. <c>members of [Layer] public partial class Mlp(int inputs, int hidden, int outputs)</c>).
/// </summary>
public static partial class DocSamples
{
    /// <summary>Every C# block of <paramref name="markdown"/>, in order.</summary>
    public static IReadOnlyList<DocSample> Parse(string file, string markdown)
    {
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var samples = new List<DocSample>();
        for (int i = 0; i < lines.Length; i++)
        {
            Match fence = Fence().Match(lines[i]);
            if (!fence.Success)
            {
                continue;
            }

            int end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == fence.Groups["indent"].Value + "```");
            if (end < 0)
            {
                throw new FormatException($"{file}:{i + 1}: the code block is never closed.");
            }

            bool csharp = fence.Groups["language"].Value is "csharp" or "cs" or "c#";
            if (csharp)
            {
                Match note = i > 0 ? Annotation().Match(lines[i - 1]) : Match.Empty;
                string code = string.Join("\n", lines[(i + 1)..end].Select(l => l.StartsWith(fence.Groups["indent"].Value, StringComparison.Ordinal) ? l[fence.Groups["indent"].Length..] : l)) + "\n";
                samples.Add(new DocSample(file, i + 1, code, note.Success ? note.Groups[1].Value.Trim() : null));
            }

            i = end;
        }

        return samples;
    }

    /// <summary>Runs <paramref name="sample"/> through the generator and fails unless it does what its annotation says.</summary>
    public static void Verify(DocSample sample)
    {
        if (sample.Annotation is null)
        {
            Assert.Fail(
                $"{sample}: the C# block has no annotation. Put one on the line before it: <!-- compiles -->, "
                + "<!-- triggers LGnnnn -->, <!-- fixed LGnnnn -->, followed by '; fragment: declarations' or "
                + "'; fragment: members of <class header>' when the block is not a whole file.");
        }

        string[] parts = sample.Annotation.Split(';', 2, StringSplitOptions.TrimEntries);
        string source = Wrap(sample, parts.Length > 1 ? parts[1] : null);
        Match expectation = Expectation().Match(parts[0]);
        if (!expectation.Success)
        {
            Assert.Fail($"{sample}: '{parts[0]}' is not an expectation; write 'compiles', 'triggers LGnnnn' or 'fixed LGnnnn'.");
        }

        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.True(run.Exception is null, $"{sample}: the generator threw {run.Exception}");
        Diagnostic[] layerGen = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("LG", StringComparison.Ordinal)).ToArray();
        if (expectation.Groups["kind"].Value == "triggers")
        {
            string[] expected = expectation.Groups["ids"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string[] reported = layerGen.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal).ToArray();
            Assert.True(
                reported.SequenceEqual(expected.Distinct().Order(StringComparer.Ordinal)),
                $"{sample}: the block should trigger exactly {string.Join(", ", expected)}; the generator reported:{Environment.NewLine}"
                + Describe(layerGen));
            // "triggers LG0013 with CS1503": what C# refuses too, shown with the compiler's errors it also reports.
            string[] compilerErrors = expectation.Groups["errors"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
            Assert.True(
                run.CompilationErrors.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal).SequenceEqual(compilerErrors),
                $"{sample}: the block should trigger {string.Join(", ", expected)} and nothing else, but the compiler reports:{Environment.NewLine}"
                + Describe(run.CompilationErrors));
            return;
        }

        Diagnostic[] problems = layerGen.Concat(run.CompilationDiagnostics).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, $"{sample}: the block should compile clean, but:{Environment.NewLine}{Describe(problems)}");
        string[] missing = AttributedClasses(source).Where(name => !run.GeneratedSources.Keys.Any(k => k == name + ".g.cs" || k.EndsWith("." + name + ".g.cs", StringComparison.Ordinal))).ToArray();
        Assert.True(
            missing.Length == 0 && run.GeneratedSources.Count > 0,
            $"{sample}: no code was generated for {(missing.Length == 0 ? "any layer (the block declares none)" : string.Join(", ", missing))}; generated: {string.Join(", ", run.GeneratedSources.Keys)}");
    }

    /// <summary>The source a sample is compiled as: the block itself, or the block wrapped as its fragment kind says.</summary>
    public static string Wrap(DocSample sample, string? fragment)
    {
        const string Preamble = "using LayerGen;\n\nnamespace Docs;\n\n";
        if (fragment is null)
        {
            return sample.Code;
        }

        Match kind = Fragment().Match(fragment);
        if (!kind.Success)
        {
            Assert.Fail($"{sample}: '{fragment}' is not a fragment kind; write 'fragment: declarations' or 'fragment: members of <class header>'.");
        }

        if (kind.Groups["header"].Success)
        {
            string body = string.Join("\n", sample.Code.TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? l : "    " + l));
            return $"{Preamble}{kind.Groups["header"].Value.Trim()}\n{{\n{body}\n}}\n";
        }

        return Preamble + sample.Code;
    }

    /// <summary>The names of the [Layer] and [Loss] classes declared in <paramref name="source"/>.</summary>
    private static IEnumerable<string> AttributedClasses(string source) =>
        CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot()
            .DescendantNodes()
            .OfType<TypeDeclarationSyntax>()
            .Where(t => t.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is "Layer" or "Loss" or "LayerGen.Layer" or "LayerGen.Loss"))
            .Select(t => t.Identifier.ValueText);

    private static string Describe(IEnumerable<Diagnostic> diagnostics)
    {
        var text = new StringBuilder();
        foreach (Diagnostic d in diagnostics)
        {
            text.AppendLine($"  {d.Id} {d.Severity} at {d.Location.GetLineSpan().Span}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return text.Length == 0 ? "  (nothing)" : text.ToString();
    }

    [GeneratedRegex(@"^(?<indent>\s*)```(?<language>[^`\s]*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*<!--(.*)-->\s*$")]
    private static partial Regex Annotation();

    [GeneratedRegex(@"^(?:(?<kind>compiles)|(?<kind>triggers) (?<ids>LG[0-9]{4}(?: LG[0-9]{4})*)(?: with (?<errors>CS[0-9]{4}(?: CS[0-9]{4})*))?|(?<kind>fixed) (?<ids>LG[0-9]{4}))$")]
    private static partial Regex Expectation();

    [GeneratedRegex(@"^fragment: (?:declarations|members of (?<header>.+))$")]
    private static partial Regex Fragment();
}
