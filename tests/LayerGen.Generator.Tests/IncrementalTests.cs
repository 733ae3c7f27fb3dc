using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The pipeline's caching (STYLE.md, rule 4), proved by running one driver twice: an edit must
/// re-run only what it can change, and re-emit only the layers whose text changes.
/// </summary>
public sealed class IncrementalTests
{
    private const string CenteredHint = "Chapter.CenteredLayer.g.cs";
    private const string MyLinearHint = "Chapter.MyLinear.g.cs";

    /// <summary>CenteredLayer, with an unrelated class after it in the same file.</summary>
    private const string CenteredFile = """
        using System.Linq;
        using LayerGen;

        namespace Chapter;

        [Layer]
        public partial class CenteredLayer
        {
            Tensor Forward(Tensor x) => x - x.Mean();
        }

        public static class Scores
        {
            public static int Best(int[] scores) => scores.Max();
        }
        """;

    /// <summary>Source 0: CenteredLayer and Scores, 1: MyLinear, 2: new MyLinear(64, 8).</summary>
    private static readonly string[] Program = [CenteredFile, ChapterSources.MyLinear, ChapterSources.Linear64x8];

    [Fact]
    public void The_same_files_in_a_new_compilation_rerun_nothing()
    {
        var (first, second) = GeneratorHarness.RunTwice<LayerGenerator>(Program, GeneratorHarness.Edits.Clone);

        first.AssertClean();
        GeneratorHarness.AssertAllTrackedStepsCachedOrUnchanged(second.RunResult);
        GeneratorHarness.AssertSourceOutputsCached(second.RunResult);
    }

    [Fact]
    public void Adding_a_file_without_layers_reruns_nothing_and_emits_nothing()
    {
        // Object creations of other types pass through the construction-site filter and must drop out.
        const string Unrelated = """
            using System.Collections.Generic;
            using System.Text;

            namespace Elsewhere;

            public static class Report
            {
                public static string Lines(List<string> lines) => new StringBuilder(16).AppendJoin('\n', new List<string>(lines)).ToString();
            }
            """;

        var (first, second) = GeneratorHarness.RunTwice<LayerGenerator>(Program, GeneratorHarness.Edits.AddUnrelatedSource(Unrelated));

        second.AssertClean();
        GeneratorHarness.AssertAllTrackedStepsCachedOrUnchanged(second.RunResult);
        GeneratorHarness.AssertSourceOutputsCached(second.RunResult);
        Assert.Equal(first.GeneratedSources, second.GeneratedSources);
    }

    [Fact]
    public void Editing_a_method_body_in_a_layer_s_file_emits_nothing_new()
    {
        string edited = Program[0].Replace("scores.Max()", "scores.Min()", StringComparison.Ordinal);

        var (first, second) = GeneratorHarness.RunTwice<LayerGenerator>(Program, GeneratorHarness.Edits.ReplaceSource(0, edited));

        // The layer is parsed again (its file changed) but yields an equal model: nothing downstream runs.
        second.AssertClean();
        GeneratorHarness.AssertAllTrackedStepsCachedOrUnchanged(second.RunResult);
        GeneratorHarness.AssertSourceOutputsCached(second.RunResult);
        Assert.Equal(first.GeneratedSources, second.GeneratedSources);
    }

    [Fact]
    public void Moving_a_layer_down_its_file_emits_nothing_new()
    {
        string shifted = "// A comment above the layer moves every span in the file.\n" + Program[1];

        var (first, second) = GeneratorHarness.RunTwice<LayerGenerator>(Program, GeneratorHarness.Edits.ReplaceSource(1, shifted));

        // Only where the declarations start changes (kept beside the models, for diagnostics); the models,
        // whose locations are relative to those starts, are equal, and nothing after the parse runs.
        second.AssertClean();
        GeneratorHarness.AssertAllTrackedStepsCachedOrUnchanged(
            second.RunResult,
            TrackedStepsBut(second, LayerGenerator.Steps.LayerDeclarations, LayerGenerator.Steps.Anchors));
        AssertNothingReEmitted(second);
        Assert.Equal(first.GeneratedSources, second.GeneratedSources);
    }

    [Fact]
    public void Editing_one_layer_leaves_every_other_layer_s_outputs_cached_even_below_it_in_the_same_file()
    {
        // Four layers in one file; the edit lengthens the first, moving the three below it.
        string file = """
            using LayerGen;

            namespace Chapter;

            [Layer]
            public partial class First
            {
                Tensor Forward(Tensor x) => x - x.Mean();
            }

            [Layer]
            public partial class Second(int n)
            {
                [Parameter] Tensor scale = Tensor.Randn(n);

                Tensor Forward(Tensor x) => Ops.Tanh(x * scale);
            }

            [Layer]
            public partial class Third
            {
                Tensor Forward(Tensor x) => Ops.Relu(x) * 2f;
            }

            [Loss]
            public partial class Fourth
            {
                Tensor Forward(Tensor input, Tensor target) => ((input - target) * (input - target)).Mean();
            }

            public static class Sites
            {
                public static Second Make() => new Second(16);
            }
            """;
        string edited = file.Replace("x - x.Mean();", "(x - x.Mean()) * 0.5f + x * 0.25f;", StringComparison.Ordinal);

        var (first, second) = GeneratorHarness.RunTwice<LayerGenerator>([file], GeneratorHarness.Edits.ReplaceSource(0, edited));

        second.AssertClean();
        string[] others = ["Chapter.Second.g.cs", "Chapter.Third.g.cs", "Chapter.Fourth.g.cs"];
        Assert.Equal(IncrementalStepRunReason.Modified, GeneratedReasons(second)["Chapter.First.g.cs"]);
        foreach (string other in others)
        {
            IncrementalStepRunReason generated = other.Contains("Fourth", StringComparison.Ordinal)
                ? ReasonsByHint(second, LayerGenerator.Steps.GeneratedLosses)[other]
                : GeneratedReasons(second)[other];
            AssertCachedOrUnchanged(generated);
            Assert.Equal(IncrementalStepRunReason.Cached, EmittedReasons(second)[other]);
            Assert.Equal(first.Source(other), second.Source(other));
        }

        // The parsed models of the moved layers are equal, so the stages after the parse served them from the cache.
        foreach (string step in new[] { LayerGenerator.Steps.Layers, LayerGenerator.Steps.Losses, LayerGenerator.Steps.Specialised })
        {
            var reasons = second.RunResult.Results.SelectMany(r => r.TrackedSteps[step]).SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
            Assert.True(
                reasons.Count(r => r is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)) <= (step == LayerGenerator.Steps.Losses ? 0 : 1),
                $"{step}: {string.Join(", ", reasons)}");
        }
    }

    [Fact]
    public void A_diagnostic_below_an_edit_moves_with_its_layer()
    {
        string file = """
            using LayerGen;

            namespace Chapter;

            [Layer]
            public partial class Above
            {
                Tensor Forward(Tensor x) => x * 2f;
            }

            [Layer]
            public partial class Mismatched
            {
                [Parameter] Tensor weight = Tensor.Randn(4, 8);
                [Parameter] Tensor bias = Tensor.Randn(7);

                Tensor Forward(Tensor x) => x.MatMul(weight) + bias;
            }
            """;
        string edited = file.Replace("x * 2f;", "x * 2f\n                    + x;", StringComparison.Ordinal);

        var (first, second) = GeneratorHarness.RunTwice<LayerGenerator>([file], GeneratorHarness.Edits.ReplaceSource(0, edited));

        // Mismatched's model and its shape error are cached; the reported location is where the text now is.
        Diagnostic before = Assert.Single(first.GeneratorDiagnostics, d => d.Id == "LG0005");
        Diagnostic after = Assert.Single(second.GeneratorDiagnostics, d => d.Id == "LG0005");
        string beforeText = file.Substring(before.Location.SourceSpan.Start, before.Location.SourceSpan.Length);
        string afterText = edited.Substring(after.Location.SourceSpan.Start, after.Location.SourceSpan.Length);
        Assert.Equal("x.MatMul(weight) + bias", beforeText);
        Assert.Equal(beforeText, afterText);
        Assert.Equal(before.Location.GetLineSpan().StartLinePosition.Line + 1, after.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(before.Location.GetLineSpan().StartLinePosition.Character, after.Location.GetLineSpan().StartLinePosition.Character);
        AssertCachedOrUnchanged(GeneratedReasons(second)["Chapter.Mismatched.g.cs"]);
    }

    [Fact]
    public void Editing_one_layer_s_forward_re_emits_only_that_layer()
    {
        string edited = Program[0].Replace("x - x.Mean()", "(x - x.Mean()) * 0.5f", StringComparison.Ordinal);

        var (first, second) = GeneratorHarness.RunTwice<LayerGenerator>(Program, GeneratorHarness.Edits.ReplaceSource(0, edited));

        second.AssertClean();
        Assert.Equal(IncrementalStepRunReason.Modified, GeneratedReasons(second)[CenteredHint]);
        Assert.Equal(IncrementalStepRunReason.Modified, EmittedReasons(second)[CenteredHint]);
        Assert.Contains("(x - x.Mean()) * 0.5f", second.Source(CenteredHint));

        AssertCachedOrUnchanged(GeneratedReasons(second)[MyLinearHint]);
        Assert.Equal(IncrementalStepRunReason.Cached, EmittedReasons(second)[MyLinearHint]);
        Assert.Equal(first.Source(MyLinearHint), second.Source(MyLinearHint));
    }

    [Fact]
    public void A_new_construction_site_re_emits_that_layer_with_a_new_kernel_and_no_other()
    {
        const string NewSite = """
            namespace Chapter;

            public static class Wide
            {
                public static MyLinear Create() => new MyLinear(32, 4);
            }
            """;

        var (first, second) = GeneratorHarness.RunTwice<LayerGenerator>(Program, GeneratorHarness.Edits.AddUnrelatedSource(NewSite));

        second.AssertClean();
        Assert.DoesNotContain("Sizes_inUnits32_units4", first.Source(MyLinearHint));
        Assert.Contains("struct Sizes_inUnits32_units4", second.Source(MyLinearHint));
        Assert.Contains("struct Sizes_inUnits64_units8", second.Source(MyLinearHint));
        Assert.Equal(IncrementalStepRunReason.Modified, GeneratedReasons(second)[MyLinearHint]);
        Assert.Equal(IncrementalStepRunReason.Modified, EmittedReasons(second)[MyLinearHint]);

        AssertCachedOrUnchanged(GeneratedReasons(second)[CenteredHint]);
        Assert.Equal(IncrementalStepRunReason.Cached, EmittedReasons(second)[CenteredHint]);
        Assert.Equal(first.Source(CenteredHint), second.Source(CenteredHint));
    }

    [Fact]
    public void Repeating_an_existing_construction_emits_nothing_new()
    {
        const string SameSizes = """
            namespace Chapter;

            public static class AnotherHidden
            {
                public static MyLinear Create() => new(64, 8);
            }
            """;

        var (first, second) = GeneratorHarness.RunTwice<LayerGenerator>(Program, GeneratorHarness.Edits.AddUnrelatedSource(SameSizes));

        // The collected sites change (one more), but each layer's distinct sizes do not.
        second.AssertClean();
        GeneratorHarness.AssertAllTrackedStepsCachedOrUnchanged(
            second.RunResult, LayerGenerator.Steps.Layers, LayerGenerator.Steps.Specialised, LayerGenerator.Steps.Generated);
        GeneratorHarness.AssertSourceOutputsCached(second.RunResult);
        Assert.Equal(first.GeneratedSources, second.GeneratedSources);
    }

    [Fact]
    public void No_tracked_step_holds_Roslyn_objects()
    {
        // Layers with errors too, so that diagnostics (from parsing and from shape inference) are walked.
        const string Broken = """
            using LayerGen;

            namespace Chapter;

            [Layer]
            public partial class Unsized
            {
                [Parameter] Tensor weight = Make();

                static Tensor Make() => Tensor.Zeros(3);

                Tensor Forward(Tensor x) => x;
            }

            [Layer]
            public partial class Mismatched
            {
                [Parameter] Tensor weight = Tensor.Randn(4, 8);
                [Parameter] Tensor bias = Tensor.Randn(7);

                Tensor Forward(Tensor x) => x.MatMul(weight) + bias;
            }
            """;
        string[] sources = [.. Program, ChapterSources.Net, Broken];

        var (first, second) = GeneratorHarness.RunTwice<LayerGenerator>(
            sources, GeneratorHarness.Edits.ReplaceSource(1, ChapterSources.MyLinear.Replace("Ops.Relu", "Ops.Tanh", StringComparison.Ordinal)));

        Assert.Contains(first.GeneratorDiagnostics, d => d.Id == "LG0004");
        Assert.Contains(first.GeneratorDiagnostics, d => d.Id == "LG0005");
        GeneratorHarness.AssertNoRoslynObjectsInStepOutputs(first.RunResult);
        GeneratorHarness.AssertNoRoslynObjectsInStepOutputs(second.RunResult);
        GeneratorHarness.AssertNoRoslynObjectsInStepOutputs(
            first.RunResult,
            LayerGenerator.Steps.Layers,
            LayerGenerator.Steps.ConstructionSites,
            LayerGenerator.Steps.Signatures,
            LayerGenerator.Steps.Specialised,
            LayerGenerator.Steps.Generated);
    }

    /// <summary>The reason of each output of the Generated step, by the hint name of the file it becomes.</summary>
    private static Dictionary<string, IncrementalStepRunReason> GeneratedReasons(GeneratorRun run) =>
        ReasonsByHint(run, LayerGenerator.Steps.Generated);

    /// <summary>The reason of each output of a step whose outputs are generated files, by hint name.</summary>
    private static Dictionary<string, IncrementalStepRunReason> ReasonsByHint(GeneratorRun run, string step) =>
        run.RunResult.Results
            .SelectMany(r => r.TrackedSteps[step])
            .SelectMany(s => s.Outputs)
            .ToDictionary(output => HintName(output.Value), output => output.Reason);

    /// <summary>The reason of each source output that adds a generated file (Cached: not re-emitted), by hint name.</summary>
    private static Dictionary<string, IncrementalStepRunReason> EmittedReasons(GeneratorRun run) =>
        run.RunResult.Results
            .SelectMany(r => r.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput])
            .Where(step => step.Inputs.Length == 1 && step.Inputs[0].Source.Name is LayerGenerator.Steps.Emitted or LayerGenerator.Steps.EmittedLosses)
            .ToDictionary(
                step => HintName(step.Inputs[0].Source.Outputs[step.Inputs[0].OutputIndex].Value),
                step => step.Outputs.Single().Reason);

    /// <summary>The names of the generator's steps that ran in <paramref name="run"/>, less <paramref name="except"/>.</summary>
    private static string[] TrackedStepsBut(GeneratorRun run, params string[] except) =>
        typeof(LayerGenerator.Steps).GetFields()
            .Select(f => (string)f.GetValue(null)!)
            .Where(name => !except.Contains(name, StringComparer.Ordinal) && run.RunResult.Results.Any(r => r.TrackedSteps.ContainsKey(name)))
            .ToArray();

    /// <summary>Fails if any source output was produced anew (New or Modified) rather than served from the cache or found equal.</summary>
    private static void AssertNothingReEmitted(GeneratorRun run)
    {
        string[] reEmitted = run.RunResult.Results
            .SelectMany(r => r.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput])
            .SelectMany(step => step.Outputs.Select(o => (Input: step.Inputs.FirstOrDefault().Source?.Name, o.Reason)))
            .Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
            .Select(o => $"{o.Input}: {o.Reason}")
            .ToArray();
        Assert.True(reEmitted.Length == 0, "Source outputs produced anew: " + string.Join(", ", reEmitted));
    }

    private static void AssertCachedOrUnchanged(IncrementalStepRunReason reason) =>
        Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Expected Cached or Unchanged, got {reason}");

    /// <summary>The HintName of a Generated step output (an internal record of the generator).</summary>
    private static string HintName(object generatedLayer) =>
        generatedLayer.GetType().GetProperty("HintName")?.GetValue(generatedLayer) as string
        ?? throw new InvalidOperationException(
            $"The Generated step's output ({generatedLayer.GetType().Name}) has no HintName property any more; update {nameof(IncrementalTests)}.");
}
