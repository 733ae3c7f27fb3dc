using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Abstractions;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The generator runs on every keystroke in the IDE, so it must survive any half-written code. For
/// every [Layer] source in the repository (the samples, the runtime tests' layers, the built-in
/// layers), read where it lies, a thousand seeded variants — truncated, tokens deleted, duplicated
/// or swapped — each go through the generator on its own, and none may make it fail: no exception
/// in the run result, no CS8784/CS8785 (generator failed), no AD0001 (analyzer failed), no LG0999
/// (the generator's own safety net caught an exception), and no generated source that does not parse.
/// </summary>
/// <remarks>
/// Each variant goes through the generator on its own, never batched with others: variants of one
/// file declare the same classes, so in one compilation they would merge into one partial class and
/// feed each other construction sites, and the first exception would end the run for all of them.
/// One variant in <see cref="FreshEvery"/> runs in a fresh driver (a command-line build), the others as an
/// edit of the file in a driver that has already run on the original (the IDE: incremental reparse, cached
/// steps, their equality checks), each from that same driver, so no variant sees another.
/// What is shared is what is expensive and unchanged: a compilation holding only the references,
/// bound once, to which each variant adds its tree. Variants run in parallel.
/// </remarks>
public sealed partial class RobustnessTests(ITestOutputHelper output)
{
    /// <summary>The issue asks for at least a thousand variants of every layer source.</summary>
    private const int VariantsPerFile = 1000;

    /// <summary>
    /// Every FreshEvery-th variant runs in a fresh driver (100 of each file's thousand), the others as an
    /// edit in the driver that ran on the original. An edit re-runs only the layers whose text it changed
    /// (locations are relative to their layer), so it costs about half a fresh run; each variant is still
    /// generated whole either way, and the layers an edit leaves alone are the original's, already checked.
    /// At 2 (half fresh) the class took 275 s on the 2-core machine under load, at 10 it takes 203 s.
    /// </summary>
    private const int FreshEvery = 10;

    /// <summary>Folders, relative to the repository root, whose .cs files declaring a [Layer] are mutated.</summary>
    private static readonly string[] LayerFolders = ["samples", "tests/LayerGen.Tests/Layers", "src/LayerGen/Layers/BuiltIn"];

    /// <summary>
    /// Failures reduced to a small repro, in the whole class (a regression that breaks every file
    /// should not cost minutes of reducing), and the time each reduction may take.
    /// </summary>
    private static int s_reductionsLeft = 4;
    private static readonly TimeSpan ReductionBudget = TimeSpan.FromSeconds(10);

    /// <summary>What a generator failure looks like from outside.</summary>
    private static readonly string[] FailureIds = ["CS8784", "CS8785", "AD0001", "LG0999"];

    /// <summary>The references, bound once: every variant's compilation is this plus one tree.</summary>
    private static readonly Lazy<CSharpCompilation> ReferencesOnly = new(() =>
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            "RobustnessInput", [], GeneratorHarness.References, GeneratorHarness.CompilationOptions);
        _ = compilation.GetTypeByMetadataName("LayerGen.LayerAttribute")
            ?? throw new InvalidOperationException("The LayerGen runtime is not among the references.");
        return compilation;
    });

    public static TheoryData<string> LayerSources()
    {
        var data = new TheoryData<string>();
        foreach (string path in LayerSourcePaths())
        {
            data.Add(path);
        }

        return data;
    }

    [Fact]
    public void Layer_sources_are_found_in_every_folder()
    {
        string[] paths = LayerSourcePaths();
        foreach (string folder in LayerFolders)
        {
            Assert.Contains(paths, p => p.StartsWith(folder + "/", StringComparison.Ordinal));
        }

        Assert.Contains("src/LayerGen/Layers/BuiltIn/Linear.cs", paths);
        Assert.Contains("samples/CustomLayers/Layers.cs", paths);
    }

    [Fact]
    public void Variants_are_distinct_reproducible_and_of_every_kind()
    {
        string source = RepositoryFiles.Read("samples/CustomLayers/Layers.cs");

        IReadOnlyList<SourceVariant> first = SourceMutator.Variants(source, seed: 7, count: VariantsPerFile);
        IReadOnlyList<SourceVariant> again = SourceMutator.Variants(source, seed: 7, count: VariantsPerFile);

        Assert.Equal(VariantsPerFile, first.Select(v => v.Source).Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(first, v => v.Source == source);
        Assert.Equal(first.Select(v => v.Source), again.Select(v => v.Source));
        foreach (string kind in new[] { "truncated", "deleted", "duplicated", "swapped", "; then " })
        {
            Assert.Contains(first, v => v.Mutation.Contains(kind, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(LayerSources))]
    public void The_generator_survives_a_thousand_broken_variants_of(string relativePath)
    {
        string source = RepositoryFiles.Read(relativePath);
        SyntaxTree originalTree = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, relativePath);
        CSharpCompilation original = ReferencesOnly.Value.AddSyntaxTrees(originalTree);
        GeneratorDriver afterOriginal = NewDriver().RunGenerators(original);
        Assert.Null(Failure(afterOriginal.GetRunResult())); // the file as it is

        var clock = Stopwatch.StartNew();
        IReadOnlyList<SourceVariant> variants = SourceMutator.Variants(source, StableSeed(relativePath), VariantsPerFile);
        var failures = new ConcurrentBag<(SourceVariant Variant, Failed Failure)>();
        Parallel.ForEach(variants, variant =>
        {
            // A fresh driver, as in a command-line build; or an edit of the file in a driver that has
            // already run on it, as in the IDE (incremental reparse, cached steps, equality checks).
            GeneratorDriverRunResult result = variant.Index % FreshEvery == 0
                ? NewDriver().RunGenerators(ReferencesOnly.Value.AddSyntaxTrees(
                    CSharpSyntaxTree.ParseText(variant.Source, GeneratorHarness.ParseOptions, relativePath))).GetRunResult()
                : afterOriginal.RunGenerators(original.ReplaceSyntaxTree(
                    originalTree, originalTree.WithChangedText(AsEdit(originalTree.GetText(), variant.Source)))).GetRunResult();
            if (Failure(result) is Failed failure)
            {
                failures.Add((variant, failure));
            }
        });
        output.WriteLine($"{relativePath}: {variants.Count} variants in {clock.ElapsedMilliseconds} ms, {failures.Count} failed");

        if (!failures.IsEmpty)
        {
            Assert.Fail(DescribeFailures(relativePath, variants.Count, failures));
        }
    }

    /// <summary>A fresh driver without step tracking (nothing here reads the steps), the IR verifier on.</summary>
    private static GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create([new LayerGenerator().AsSourceGenerator()], parseOptions: GeneratorHarness.ParseOptions, optionsProvider: VerifyIrOptions.Enabled);

    /// <summary>Runs the generator on <paramref name="source"/> alone, with a fresh driver.</summary>
    private static Failed? FailureOnItsOwn(string source, string path) =>
        Failure(NewDriver().RunGenerators(ReferencesOnly.Value.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path))).GetRunResult());

    /// <summary>How the run failed, or null: an exception in the run result, a failure diagnostic, or generated source that does not parse.</summary>
    private static Failed? Failure(GeneratorDriverRunResult result)
    {
        if (result.Results.Select(r => r.Exception).FirstOrDefault(e => e is not null) is Exception thrown)
        {
            string frame = thrown.StackTrace?.Split('\n').FirstOrDefault(f => f.Contains("LayerGen.Generator", StringComparison.Ordinal))?.Trim() ?? string.Empty;
            return new Failed($"{thrown.GetType().Name}: {thrown.Message} {frame}", thrown.ToString());
        }

        Diagnostic? failure = result.Diagnostics
            .Concat(result.Results.SelectMany(r => r.Diagnostics))
            .FirstOrDefault(d => FailureIds.Contains(d.Id, StringComparer.Ordinal));
        if (failure is null)
        {
            // Whatever the input, what the generator writes must at least parse (a name that is a
            // keyword, a comment that lets source text out): cheap to check, unlike compiling it.
            Diagnostic? unparsable = result.GeneratedTrees
                .SelectMany(t => t.GetDiagnostics())
                .FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
            return unparsable is null
                ? null
                : new Failed("generated source does not parse: " + unparsable.Id + " " + unparsable.GetMessage(CultureInfo.InvariantCulture), unparsable.ToString());
        }

        // LG0999 carries the exception and where it was thrown; that, not the layer's name, tells one bug from another.
        string message = failure.GetMessage(CultureInfo.InvariantCulture);
        Match internalError = InternalErrorDetail().Match(message);
        return new Failed(failure.Id + ": " + (internalError.Success ? internalError.Groups[1].Value : message), failure.ToString());
    }

    /// <summary>One example of each distinct failure, with its smallest repro (token by token reduction), and how often it came up.</summary>
    private static string DescribeFailures(string relativePath, int variantCount, IEnumerable<(SourceVariant Variant, Failed Failure)> failures)
    {
        var text = new StringBuilder();
        var groups = failures.GroupBy(f => f.Failure.Signature, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ToArray();
        text.AppendLine($"The generator failed on {groups.Sum(g => g.Count())} of {variantCount} variants of {relativePath} (seed {StableSeed(relativePath)}), in {groups.Length} distinct way(s).");
        foreach (var (group, i) in groups.Select((g, i) => (g, i)))
        {
            var smallest = group.OrderBy(f => f.Variant.Source.Length).ThenBy(f => f.Variant.Index).First();
            text.AppendLine($"{i + 1}. {group.Count()} variant(s): {group.Key}");
            text.AppendLine($"   e.g. variant {smallest.Variant.Index} ({smallest.Variant.Mutation}): {smallest.Failure.Detail}");
            if (Interlocked.Decrement(ref s_reductionsLeft) >= 0)
            {
                string repro = SourceMutator.Reduce(
                    smallest.Variant.Source,
                    candidate => FailureOnItsOwn(candidate, relativePath)?.Signature == group.Key,
                    ReductionBudget);
                text.AppendLine($"   smallest repro: {repro}");
            }
        }

        return text.ToString();
    }

    /// <summary>The variant as one edit of the original text (common prefix and suffix kept), so the tree reparses incrementally as in an editor.</summary>
    private static SourceText AsEdit(SourceText original, string variant)
    {
        string before = original.ToString();
        int prefix = 0;
        while (prefix < before.Length && prefix < variant.Length && before[prefix] == variant[prefix])
        {
            prefix++;
        }

        int suffix = 0;
        while (suffix < before.Length - prefix && suffix < variant.Length - prefix
            && before[before.Length - 1 - suffix] == variant[variant.Length - 1 - suffix])
        {
            suffix++;
        }

        var span = TextSpan.FromBounds(prefix, before.Length - suffix);
        return original.WithChanges(new TextChange(span, variant[prefix..(variant.Length - suffix)]));
    }

    /// <summary>A failure: what tells it from others (exception type, message and frame, or diagnostic), and the full report.</summary>
    private sealed record Failed(string Signature, string Detail);

    [GeneratedRegex(@"internal error \((.*)\); the layer was skipped")]
    private static partial Regex InternalErrorDetail();

    /// <summary>Relative paths ('/'-separated, ordinal order) of the .cs files under <see cref="LayerFolders"/> that declare a [Layer].</summary>
    private static string[] LayerSourcePaths()
    {
        string root = RepositoryFiles.Root;
        return LayerFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(part => part is "bin" or "obj"))
            .Where(path => DeclaresLayer(File.ReadAllText(Path.Combine(root, path))))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// True when the text has a [Layer] attribute: it contains "[Layer" and, parsed, has an attribute
    /// of that name (a file that only mentions [Layer] in a comment has nothing for the generator).
    /// </summary>
    private static bool DeclaresLayer(string source) =>
        source.Contains("[Layer", StringComparison.Ordinal)
        && CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot()
            .DescendantNodes().OfType<AttributeSyntax>()
            .Any(a => a.Name.ToString() is "Layer" or "LayerAttribute" or "LayerGen.Layer" or "LayerGen.LayerAttribute");

    /// <summary>A seed from the path (FNV-1a), the same on every machine and run, unlike string.GetHashCode.</summary>
    private static int StableSeed(string relativePath)
    {
        uint hash = 2166136261;
        foreach (char c in relativePath)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash & int.MaxValue);
    }
}
