using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// What one generator run produced. <see cref="Driver"/> holds the run's cached state: run it again
/// on an edited compilation (<see cref="GeneratorHarness.RunAgain"/>) to test incrementality.
/// </summary>
/// <param name="GeneratedSources">Hint name (e.g. <c>MyLinear.g.cs</c>) to generated text, in ordinal order of hint name.</param>
/// <param name="GeneratorDiagnostics">Diagnostics the generator reported (LGxxxx, and CS8785 when it threw).</param>
/// <param name="CompilationDiagnostics">Errors and warnings of the user's code plus the generated code (hidden and info left out).</param>
/// <param name="Exception">The exception the generator threw, if it did.</param>
public sealed record GeneratorRun(
    IReadOnlyDictionary<string, string> GeneratedSources,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> CompilationDiagnostics,
    Exception? Exception,
    GeneratorDriver Driver,
    GeneratorDriverRunResult RunResult,
    Compilation InputCompilation,
    Compilation OutputCompilation)
{
    /// <summary>The one generated source whose hint name ends with <paramref name="hintNameSuffix"/>.</summary>
    public string Source(string hintNameSuffix)
    {
        string[] matches = GeneratedSources.Keys.Where(k => k.EndsWith(hintNameSuffix, StringComparison.Ordinal)).ToArray();
        return matches.Length == 1
            ? GeneratedSources[matches[0]]
            : throw new KeyNotFoundException(
                $"{matches.Length} generated sources end with '{hintNameSuffix}'; generated: {string.Join(", ", GeneratedSources.Keys)}");
    }

    /// <summary>The errors among <see cref="CompilationDiagnostics"/>.</summary>
    public ImmutableArray<Diagnostic> CompilationErrors =>
        CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();

    /// <summary>Fails, listing them, unless the generator threw nothing and neither it nor the compiler reported anything.</summary>
    public void AssertClean()
    {
        var problems = new StringBuilder();
        if (Exception is not null)
        {
            problems.AppendLine($"generator threw: {Exception}");
        }

        // Infos (such as LG0012, "runs the run-time-bounded kernel") are information, not problems.
        foreach (Diagnostic d in GeneratorDiagnostics.Concat(CompilationDiagnostics).Where(d => d.Severity >= DiagnosticSeverity.Warning))
        {
            problems.AppendLine(d.ToString());
        }

        if (problems.Length > 0)
        {
            Assert.Fail($"Expected a clean run, got:{Environment.NewLine}{problems}");
        }
    }
}

/// <summary>
/// Runs an incremental generator over source strings, the way a user's project would: .NET 10
/// reference assemblies plus the LayerGen runtime, nullable enabled, the latest language version.
/// Takes the generator as a parameter so it depends on no generator class name.
/// </summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>.NET 10 reference assemblies and the LayerGen runtime.</summary>
    public static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(global::LayerGen.LayerAttribute).Assembly.Location),
    ];

    /// <summary>
    /// Steps Roslyn tracks by itself: the driver's inputs and outputs, and the stages inside
    /// ForAttributeWithMetadataName (whose names contain <c>_ForAttribute</c>). They carry
    /// compilations and syntax by design, so they are not the generator's own to check.
    /// </summary>
    private static readonly HashSet<string> RoslynStepNames = new(StringComparer.Ordinal)
    {
        WellKnownGeneratorInputs.Compilation,
        "CompilationOptions", // internal in WellKnownGeneratorInputs
        WellKnownGeneratorInputs.ParseOptions,
        WellKnownGeneratorInputs.AdditionalTexts,
        WellKnownGeneratorInputs.AnalyzerConfigOptions,
        WellKnownGeneratorInputs.MetadataReferences,
        WellKnownGeneratorOutputs.SourceOutput,
        WellKnownGeneratorOutputs.ImplementationSourceOutput,
    };

    private const string RoslynInternalStepMarker = "_ForAttribute";

    /// <summary>True for a step name Roslyn tracks by itself rather than the generator's <c>WithTrackingName</c>.</summary>
    public static bool IsRoslynStep(string trackingName) =>
        RoslynStepNames.Contains(trackingName) || trackingName.Contains(RoslynInternalStepMarker, StringComparison.Ordinal);

    /// <summary>A compilation of <paramref name="sources"/>, named <c>Source0.cs</c>, <c>Source1.cs</c>, ... in diagnostics.</summary>
    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "LayerGenTestInput",
            sources.Select((text, i) => Parse(text, $"Source{i}.cs")),
            References,
            CompilationOptions);

    public static SyntaxTree Parse(string source, string path) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    public static GeneratorRun Run<TGenerator>(params string[] sources)
        where TGenerator : IIncrementalGenerator, new() =>
        Run(new TGenerator(), sources);

    public static GeneratorRun Run(IIncrementalGenerator generator, params string[] sources) =>
        Run(generator, CreateCompilation(sources));

    /// <summary>
    /// Runs a fresh driver on <paramref name="compilation"/>, then runs it again on a clone (same trees, a new
    /// compilation object) and fails unless that second run came wholly from the cache (every tracked step
    /// Cached or Unchanged, nothing re-emitted): every test input of the generator also tests its caching.
    /// </summary>
    public static GeneratorRun Run(IIncrementalGenerator generator, Compilation compilation)
    {
        GeneratorRun run = RunAgain(CreateDriver(generator), compilation);
        AssertFullyCachedOnAClone(run);
        return run;
    }

    /// <summary>Runs <paramref name="run"/>'s driver on a clone of its input and fails unless nothing ran again.</summary>
    public static void AssertFullyCachedOnAClone(GeneratorRun run)
    {
        GeneratorDriverRunResult again = run.Driver.RunGenerators(run.InputCompilation.Clone()).GetRunResult();
        if (again.Results.Any(r => r.TrackedSteps.Keys.Any(name => !IsRoslynStep(name))))
        {
            AssertAllTrackedStepsCachedOrUnchanged(again);
        }

        AssertSourceOutputsCached(again);
    }

    /// <summary>
    /// A driver with step tracking on, so <c>WithTrackingName</c> steps show up in the run result, and the IR
    /// verifier on (<see cref="VerifyIrOptions"/>).
    /// </summary>
    public static GeneratorDriver CreateDriver(IIncrementalGenerator generator) =>
        CSharpGeneratorDriver.Create(
            [generator.AsSourceGenerator()],
            parseOptions: ParseOptions,
            optionsProvider: VerifyIrOptions.Enabled,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>
    /// Runs <paramref name="driver"/> (fresh, or carrying a previous run's cache) on <paramref name="compilation"/>.
    /// A run whose output compiles then goes through <see cref="EagerAgreement"/>: every layer and loss it
    /// generated must give the same results through <c>Call</c> and <c>CallEager</c>.
    /// </summary>
    public static GeneratorRun RunAgain(GeneratorDriver driver, Compilation compilation)
    {
        GeneratorDriver next = driver.RunGeneratorsAndUpdateCompilation(
            compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorDriverRunResult result = next.GetRunResult();

        var sources = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (GeneratedSourceResult source in result.Results.SelectMany(r => r.GeneratedSources))
        {
            sources.Add(source.HintName, source.SourceText.ToString());
        }

        // A source the eager check has not seen yet is emitted rather than only diagnosed: binding the
        // method bodies is most of either, and Emit reports the same errors and warnings as GetDiagnostics.
        string? eagerKey = EagerAgreement.KeyOf(compilation, sources.Values);
        System.IO.MemoryStream? image = null;
        ImmutableArray<Diagnostic> diagnostics;
        if (eagerKey is not null && !EagerAgreement.IsChecked(eagerKey))
        {
            image = new System.IO.MemoryStream();
            Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(image);
            diagnostics = emitted.Diagnostics;
            if (!emitted.Success)
            {
                image = null;
            }
        }
        else
        {
            diagnostics = output.GetDiagnostics();
        }

        ImmutableArray<Diagnostic> compilationDiagnostics = diagnostics
            .Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
            .ToImmutableArray();

        var run = new GeneratorRun(
            sources,
            generatorDiagnostics,
            compilationDiagnostics,
            result.Results.Select(r => r.Exception).FirstOrDefault(e => e is not null),
            next,
            result,
            compilation,
            output);
        if (eagerKey is not null)
        {
            EagerAgreement.AssertAgrees(run, eagerKey, image);
        }

        return run;
    }

    /// <summary>
    /// Runs on <paramref name="sources"/>, applies <paramref name="editForSecondRun"/> to the input
    /// compilation (see <see cref="Edits"/>), and runs the same driver again: the second run shows
    /// which steps were served from the cache.
    /// </summary>
    public static (GeneratorRun First, GeneratorRun Second) RunTwice(
        IIncrementalGenerator generator,
        string[] sources,
        Func<CSharpCompilation, CSharpCompilation> editForSecondRun)
    {
        CSharpCompilation compilation = CreateCompilation(sources);
        GeneratorRun first = Run(generator, compilation);
        GeneratorRun second = RunAgain(first.Driver, editForSecondRun(compilation));
        return (first, second);
    }

    public static (GeneratorRun First, GeneratorRun Second) RunTwice<TGenerator>(
        string[] sources,
        Func<CSharpCompilation, CSharpCompilation> editForSecondRun)
        where TGenerator : IIncrementalGenerator, new() =>
        RunTwice(new TGenerator(), sources, editForSecondRun);

    /// <summary>Edits for <see cref="RunTwice"/>.</summary>
    public static class Edits
    {
        /// <summary>A clone: same trees, new compilation object. Everything must come from the cache.</summary>
        public static CSharpCompilation Clone(CSharpCompilation compilation) => compilation.Clone();

        /// <summary>Adds a file that has nothing to do with any layer.</summary>
        public static Func<CSharpCompilation, CSharpCompilation> AddUnrelatedSource(
            string source = "namespace Unrelated { internal static class Helper { public static int Answer() => 42; } }") =>
            compilation => compilation.AddSyntaxTrees(Parse(source, $"Source{compilation.SyntaxTrees.Count()}.cs"));

        /// <summary>Replaces the <paramref name="index"/>-th source (as passed to RunTwice) with <paramref name="newSource"/>.</summary>
        public static Func<CSharpCompilation, CSharpCompilation> ReplaceSource(int index, string newSource) =>
            compilation =>
            {
                SyntaxTree old = compilation.SyntaxTrees.ElementAt(index);
                return compilation.ReplaceSyntaxTree(old, Parse(newSource, old.FilePath));
            };
    }

    /// <summary>
    /// Fails unless every output of every tracked step named in <paramref name="trackingNames"/> has
    /// reason Cached or Unchanged, i.e. the edit did not make those steps produce anything new.
    /// With no names, checks every step the generator names itself (not Roslyn's own). A name that
    /// was never tracked fails too, so a typo cannot make the test pass vacuously.
    /// </summary>
    public static void AssertAllTrackedStepsCachedOrUnchanged(GeneratorDriverRunResult second, params string[] trackingNames)
    {
        var offenders = new List<string>();
        foreach ((string name, ImmutableArray<IncrementalGeneratorRunStep> steps) in TrackedSteps(second, trackingNames))
        {
            for (int s = 0; s < steps.Length; s++)
            {
                for (int o = 0; o < steps[s].Outputs.Length; o++)
                {
                    (object value, IncrementalStepRunReason reason) = steps[s].Outputs[o];
                    if (reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
                    {
                        offenders.Add($"  {name} run {s} output {o}: {reason}, value {Describe(value)}");
                    }
                }
            }
        }

        if (offenders.Count > 0)
        {
            Assert.Fail(
                $"Expected every output of the tracked steps to be Cached or Unchanged on the second run; {offenders.Count} were not:"
                + Environment.NewLine + string.Join(Environment.NewLine, offenders));
        }
    }

    /// <summary>Fails unless every source output (RegisterSourceOutput) of the run came from the cache: nothing was re-emitted.</summary>
    public static void AssertSourceOutputsCached(GeneratorDriverRunResult second)
    {
        var offenders = new List<string>();
        foreach (GeneratorRunResult result in second.Results)
        {
            foreach ((string name, ImmutableArray<IncrementalGeneratorRunStep> steps) in result.TrackedOutputSteps)
            {
                foreach (IncrementalGeneratorRunStep step in steps)
                {
                    foreach ((object value, IncrementalStepRunReason reason) in step.Outputs)
                    {
                        if (reason != IncrementalStepRunReason.Cached)
                        {
                            offenders.Add($"  {name}: {reason}, value {Describe(value)}");
                        }
                    }
                }
            }
        }

        if (offenders.Count > 0)
        {
            Assert.Fail("Expected every source output to be Cached on the second run:" + Environment.NewLine + string.Join(Environment.NewLine, offenders));
        }
    }

    /// <summary>
    /// Walks every output of the tracked steps (those named, or all the generator's own) through
    /// tuples, records, collections and fields, and fails on anything that would pin a compilation
    /// in memory or defeat caching: symbols, syntax, semantic models, compilations, locations.
    /// </summary>
    public static void AssertNoRoslynObjectsInStepOutputs(GeneratorDriverRunResult result, params string[] trackingNames)
    {
        var offenders = new List<string>();
        foreach ((string name, ImmutableArray<IncrementalGeneratorRunStep> steps) in TrackedSteps(result, trackingNames))
        {
            for (int s = 0; s < steps.Length; s++)
            {
                for (int o = 0; o < steps[s].Outputs.Length; o++)
                {
                    RoslynObjectFinder.Find(steps[s].Outputs[o].Value, $"{name}[{s}].Outputs[{o}]", offenders);
                }
            }
        }

        if (offenders.Count > 0)
        {
            Assert.Fail(
                "Tracked step outputs must be plain data, but these hold Roslyn objects:"
                + Environment.NewLine + string.Join(Environment.NewLine, offenders.Take(20))
                + (offenders.Count > 20 ? $"{Environment.NewLine}  ... and {offenders.Count - 20} more" : ""));
        }
    }

    /// <summary>The tracked steps named (failing on an unknown name), or all the generator's own steps when none are named.</summary>
    private static List<(string Name, ImmutableArray<IncrementalGeneratorRunStep> Steps)> TrackedSteps(
        GeneratorDriverRunResult run, string[] trackingNames)
    {
        var all = new Dictionary<string, ImmutableArray<IncrementalGeneratorRunStep>>(StringComparer.Ordinal);
        foreach (GeneratorRunResult result in run.Results)
        {
            foreach ((string name, ImmutableArray<IncrementalGeneratorRunStep> steps) in result.TrackedSteps)
            {
                all[name] = all.TryGetValue(name, out var earlier) ? earlier.AddRange(steps) : steps;
            }
        }

        string[] ours = all.Keys
            .Where(n => !IsRoslynStep(n))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (trackingNames.Length == 0)
        {
            if (ours.Length == 0)
            {
                Assert.Fail("The run tracked no steps of the generator's own: name its stages with WithTrackingName.");
            }

            return ours.Select(n => (n, all[n])).ToList();
        }

        string[] unknown = trackingNames.Where(n => !all.ContainsKey(n)).ToArray();
        if (unknown.Length > 0)
        {
            Assert.Fail(
                $"No tracked step named {string.Join(", ", unknown.Select(n => $"'{n}'"))}; "
                + $"the run tracked: {(ours.Length == 0 ? "(none)" : string.Join(", ", ours))}.");
        }

        return trackingNames.Select(n => (n, all[n])).ToList();
    }

    private static string Describe(object? value)
    {
        string text = value?.ToString() ?? "null";
        text = text.Replace(Environment.NewLine, " ", StringComparison.Ordinal).Replace('\n', ' ');
        return text.Length <= 160 ? text : text[..160] + "...";
    }

    /// <summary>Depth-first walk of an object graph looking for Roslyn objects.</summary>
    private static class RoslynObjectFinder
    {
        private const int MaxDepth = 64;

        private static readonly Type[] Banned =
        [
            typeof(ISymbol),
            typeof(SyntaxNode),
            typeof(SyntaxTree),
            typeof(SyntaxToken),
            typeof(SyntaxTrivia),
            typeof(SyntaxReference),
            typeof(SemanticModel),
            typeof(Compilation),
            typeof(Location),
            typeof(AttributeData),
            typeof(IOperation),
        ];

        public static void Find(object? root, string path, List<string> offenders) =>
            Visit(root, path, 0, new HashSet<object>(ReferenceEqualityComparer.Instance), offenders);

        private static void Visit(object? node, string path, int depth, HashSet<object> visited, List<string> offenders)
        {
            if (node is null)
            {
                return;
            }

            Type type = node.GetType();
            Type? banned = Array.Find(Banned, b => b.IsAssignableFrom(type));
            if (banned is not null)
            {
                offenders.Add($"  {path}: {type.FullName} (a {banned.Name})");
                return;
            }

            if (IsLeaf(type) || depth > MaxDepth || (!type.IsValueType && !visited.Add(node)))
            {
                return;
            }

            if (node is IEnumerable sequence)
            {
                int index = 0;
                foreach (object? item in SafeEnumerate(sequence))
                {
                    Visit(item, $"{path}[{index++}]", depth + 1, visited, offenders);
                }

                return;
            }

            // Fields cover records (their backing fields), tuples (Item1...), and hand-written classes.
            for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                    {
                        continue;
                    }

                    Visit(field.GetValue(node), $"{path}.{MemberName(field)}", depth + 1, visited, offenders);
                }
            }
        }

        private static bool IsLeaf(Type type) =>
            type.IsPrimitive || type.IsEnum || type.IsPointer
            || type == typeof(string) || type == typeof(decimal)
            || typeof(Type).IsAssignableFrom(type) || typeof(Delegate).IsAssignableFrom(type);

        /// <summary><c>&lt;Name&gt;k__BackingField</c> reads as <c>Name</c>.</summary>
        private static string MemberName(FieldInfo field)
        {
            string name = field.Name;
            return name.StartsWith('<') && name.IndexOf('>', StringComparison.Ordinal) is > 1 and int end ? name[1..end] : name;
        }

        /// <summary>Enumerates, treating a collection that cannot be enumerated (a default ImmutableArray) as empty.</summary>
        private static List<object?> SafeEnumerate(IEnumerable sequence)
        {
            var items = new List<object?>();
            try
            {
                foreach (object? item in sequence)
                {
                    items.Add(item);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException)
            {
                // nothing to walk
            }

            return items;
        }
    }
}
