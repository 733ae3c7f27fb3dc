using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// Every diagnostic the generator can report is documented and tracked: its help link points at its
/// section of docs/diagnostics.md, that section has the descriptor's title and severity and an
/// example that really triggers it (run through the generator here) next to its fix, and the
/// analyzer release files list it. Adding an ID to DiagnosticDescriptors without all of that fails here.
/// </summary>
public sealed partial class DiagnosticCatalogueTests
{
    private const string CataloguePath = "docs/diagnostics.md";
    private const string HelpLinkPrefix = "https://github.com/layergen/layergen/blob/main/docs/diagnostics.md#";
    private const string ReleasesFolder = "generator/LayerGen.Generator/";

    /// <summary>IDs that no correct code triggers, so their section has no example.</summary>
    private static readonly string[] WithoutExample = ["LG0999"];

    /// <summary>Every public static DiagnosticDescriptor field of DiagnosticDescriptors, read from the generator assembly.</summary>
    private static readonly DiagnosticDescriptor[] Descriptors = DescriptorsType()
        .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToArray();

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (DiagnosticDescriptor descriptor in Descriptors)
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    public static TheoryData<string> IdsWithExamples()
    {
        var data = new TheoryData<string>();
        foreach (DiagnosticDescriptor descriptor in Descriptors.Where(d => !WithoutExample.Contains(d.Id)))
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Fact]
    public void Descriptors_are_found_and_their_IDs_are_distinct_and_well_formed()
    {
        Assert.True(Descriptors.Length >= 8, $"Only {Descriptors.Length} descriptors found by reflection.");
        Assert.Equal(Descriptors.Length, Descriptors.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(Descriptors, d => Assert.Matches("^LG[0-9]{4}$", d.Id));
        Assert.All(Descriptors, d => Assert.Equal("LayerGen", d.Category));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_help_link_points_at_the_section_of_the_ID(string id)
    {
        Assert.Equal(HelpLinkPrefix + id.ToLowerInvariant(), Descriptor(id).HelpLinkUri);
    }

    /// <summary>Diagnostics travel through the pipeline as plain data and are turned back into descriptors by ID: an ID missing there would come out as another diagnostic.</summary>
    [Theory]
    [MemberData(nameof(Ids))]
    public void The_ID_turns_back_into_its_own_descriptor(string id)
    {
        MethodInfo byId = DescriptorsType().GetMethod("ById", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException("DiagnosticDescriptors.ById not found.");
        Assert.Same(Descriptor(id), byId.Invoke(null, [id]));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_catalogue_has_an_anchored_section_with_the_title_and_severity(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string section = Section(id);

        Assert.StartsWith($"## {id}: {descriptor.Title}\n", section, StringComparison.Ordinal);
        Match severity = SeverityLine().Match(section);
        Assert.True(severity.Success, $"The section of {id} has no '**Severity:** ...' line.");
        Assert.Equal(descriptor.DefaultSeverity.ToString(), severity.Groups[1].Value);
        Assert.Contains($"| [{id}](#{id.ToLowerInvariant()}) | {descriptor.DefaultSeverity} | {descriptor.Title} |", Catalogue(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_catalogue_documents_no_ID_that_does_not_exist()
    {
        string[] anchored = Anchor().Matches(Catalogue()).Select(m => m.Groups[1].Value.ToUpperInvariant()).ToArray();

        Assert.Equal(Descriptors.Select(d => d.Id), anchored.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(IdsWithExamples))]
    public void The_example_triggers_the_diagnostic(string id)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(Example(id, "triggers"));

        Assert.Null(run.Exception);
        Diagnostic[] reported = run.GeneratorDiagnostics.Where(d => d.Id == id).ToArray();
        Assert.True(
            reported.Length > 0,
            $"The example of {id} does not trigger it; the generator reported: "
            + string.Join("; ", run.GeneratorDiagnostics.Select(d => d.ToString())));
        Assert.All(reported, d => Assert.Equal(Descriptor(id).DefaultSeverity, d.Severity));
    }

    [Theory]
    [MemberData(nameof(IdsWithExamples))]
    public void The_fixed_example_is_clean(string id)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(Example(id, "fixed"));

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == id);
        run.AssertClean();
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_analyzer_release_files_list_the_ID_with_its_category_and_severity(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string[] rows = ReleaseRows("AnalyzerReleases.Unshipped.md").Concat(ReleaseRows("AnalyzerReleases.Shipped.md"))
            .Where(row => row.StartsWith(id + " ", StringComparison.Ordinal))
            .ToArray();

        string row = Assert.Single(rows);
        string[] cells = row.Split('|').Select(c => c.Trim()).ToArray();
        Assert.Equal(descriptor.Category, cells[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[2]);
    }

    private static Type DescriptorsType() =>
        typeof(LayerGenerator).Assembly.GetType("LayerGen.Generator.Diagnostics.DiagnosticDescriptors", throwOnError: true)!;

    private static DiagnosticDescriptor Descriptor(string id) => Descriptors.Single(d => d.Id == id);

    private static string Catalogue() => RepositoryFiles.Read(CataloguePath).ReplaceLineEndings("\n");

    /// <summary>The text of the ID's section: from its heading (after its anchor) to the next anchor.</summary>
    private static string Section(string id)
    {
        string catalogue = Catalogue();
        string anchor = $"<a id=\"{id.ToLowerInvariant()}\"></a>\n";
        int start = catalogue.IndexOf(anchor, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{CataloguePath} has no anchor '{anchor.Trim()}' for {id}.");
        start += anchor.Length;
        int end = catalogue.IndexOf("<a id=\"", start, StringComparison.Ordinal);
        return catalogue[start..(end < 0 ? catalogue.Length : end)];
    }

    /// <summary>The C# block after <c>&lt;!-- triggers LGnnnn --&gt;</c> or <c>&lt;!-- fixed LGnnnn --&gt;</c> in the ID's section.</summary>
    private static string Example(string id, string kind)
    {
        // "triggers LG0013 with CS1503": an example the C# compiler refuses too (see DocSamples).
        Match block = Regex.Match(Section(id), $@"<!-- {kind} {id}(?: with CS[0-9]{{4}}(?: CS[0-9]{{4}})*)? -->\n```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, $"The section of {id} in {CataloguePath} has no '<!-- {kind} {id} -->' C# block.");
        return block.Groups[1].Value;
    }

    /// <summary>The table rows of an analyzer release file, e.g. <c>LG0001 | LayerGen | Error | ...</c>; none when the file does not exist.</summary>
    private static IEnumerable<string> ReleaseRows(string fileName)
    {
        string path = RepositoryFiles.FullPath(ReleasesFolder + fileName);
        return System.IO.File.Exists(path)
            ? System.IO.File.ReadAllLines(path).Select(l => l.Trim()).Where(l => Regex.IsMatch(l, "^LG[0-9]{4} "))
            : [];
    }

    [GeneratedRegex(@"^\*\*Severity:\*\* (\w+)", RegexOptions.Multiline)]
    private static partial Regex SeverityLine();

    [GeneratedRegex("<a id=\"(lg[0-9]{4})\"></a>")]
    private static partial Regex Anchor();
}
