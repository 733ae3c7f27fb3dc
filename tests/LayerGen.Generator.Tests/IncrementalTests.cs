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

        // The parsed model holds source locations (for diagnostics), so it may change; the emitted text may not.
        second.AssertClean();
        GeneratorHarness.AssertAllTrackedStepsCachedOrUnchanged(
            second.RunResult, LayerGenerator.Steps.ConstructionSites, LayerGenerator.Steps.Signatures, LayerGenerator.Steps.Generated);
        AssertNothingReEmitted(second);
        Assert.Equal(first.GeneratedSources, second.GeneratedSources);
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
        Assert.DoesNotContain("Kernels_inUnits32_units4", first.Source(MyLinearHint));
        Assert.Contains("class Kernels_inUnits32_units4", second.Source(MyLinearHint));
        Assert.Contains("class Kernels_inUnits64_units8", second.Source(MyLinearHint));
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
        run.RunResult.Results
            .SelectMany(r => r.TrackedSteps[LayerGenerator.Steps.Generated])
            .SelectMany(step => step.Outputs)
            .ToDictionary(output => HintName(output.Value), output => output.Reason);

    /// <summary>The reason of each source output fed by the Generated step (Cached: not re-emitted), by hint name.</summary>
    private static Dictionary<string, IncrementalStepRunReason> EmittedReasons(GeneratorRun run) =>
        run.RunResult.Results
            .SelectMany(r => r.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput])
            .Where(step => step.Inputs.Length == 1 && step.Inputs[0].Source.Name == LayerGenerator.Steps.Generated)
            .ToDictionary(
                step => HintName(step.Inputs[0].Source.Outputs[step.Inputs[0].OutputIndex].Value),
                step => step.Outputs.Single().Reason);

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
