using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Golden output of the generator for the chapter's layers (Snapshots/*.verified.cs): the code a
/// user opens to see what LayerGen made of their layer. Every output must also compile cleanly.
/// </summary>
public sealed class EmittedSourceSnapshotTests
{
    private const string CenteredHint = "Chapter.CenteredLayer.g.cs";
    private const string MyLinearHint = "Chapter.MyLinear.g.cs";

    [Fact]
    public void CenteredLayer_subtracting_the_mean()
    {
        GeneratorRun run = CleanRun(ChapterSources.CenteredLayer);

        // A layer without sizes has its one kernel whatever constructs it: a model of its own, so a training step too.
        Assert.Equal([CenteredHint, "LayerGen.Generated.TrainingSteps.g.cs"], run.GeneratedSources.Keys);
        Snapshot.Match(run.Source(CenteredHint), "CenteredLayer");
    }

    [Fact]
    public void MyLinear_constructed_as_64_by_8_gets_a_constant_kernel_and_the_run_time_one()
    {
        GeneratorRun run = CleanRun(ChapterSources.MyLinear, ChapterSources.Linear64x8);

        string source = run.Source(MyLinearHint);
        Assert.Contains("struct Sizes_inUnits64_units8", source);
        Assert.Contains("class KernelsAnySize", source);
        Assert.Equal(1, Count(source, "private struct Sizes_"));
        Assert.Equal(1, Count(source, "public static void Forward(int rows,")); // one constant body
        Snapshot.Match(source, "MyLinear_64x8");
    }

    [Fact]
    public void MyLinear_without_constant_constructions_gets_only_the_run_time_kernel()
    {
        GeneratorRun run = CleanRun(ChapterSources.MyLinear, ChapterSources.LinearOfRuntimeSize);

        string source = run.Source(MyLinearHint);
        Assert.Contains("class KernelsAnySize", source);
        Assert.DoesNotContain("struct Sizes_", source);
        Assert.DoesNotContain("class Kernels<", source);
        Snapshot.Match(source, "MyLinear_RunTimeSizesOnly");
    }

    [Fact]
    public void The_chapter_s_net_specialises_every_constant_construction()
    {
        GeneratorRun run = CleanRun(ChapterSources.CenteredLayer, ChapterSources.MyLinear, ChapterSources.Net);

        // The built-in 'new Linear(8, 128)' gets its constant kernel in this assembly too (BuiltInSpecialisationTests).
        // And the whole-model training steps: the net's Sequential's, and each constant kernel's as a model of its own.
        Assert.Equal([CenteredHint, MyLinearHint, "LayerGen.Generated.LinearSpecialisations.g.cs", "LayerGen.Generated.TrainingSteps.g.cs"], run.GeneratedSources.Keys);
        Assert.Contains("Register(\"LayerGen.Linear\", [8, 128]", run.Source("LinearSpecialisations.g.cs"));
        string myLinear = run.Source(MyLinearHint);
        Assert.Contains("struct Sizes_inUnits64_units8", myLinear); // inside new Sequential(...)
        Assert.Contains("struct Sizes_inUnits8_units1", myLinear);
        Assert.Contains("struct Sizes_inUnits5_units3", myLinear); // target-typed new(5, 3)
        Assert.Contains("class KernelsAnySize", myLinear);
        Assert.Equal(3, Count(myLinear, "private struct Sizes_"));
        // One body serves all three: the generic Kernels<TSizes>, and the run-time kernel.
        Assert.Equal(1, Count(myLinear, "class Kernels<TSizes>"));
        Assert.Equal(2, Count(myLinear, "public static void Forward("));
        Snapshot.Match(myLinear, "ChapterNet_MyLinear");

        // Constructions of other layers change nothing in CenteredLayer: the same text as on its own.
        Snapshot.Match(run.Source(CenteredHint), "CenteredLayer");
    }

    /// <summary>Runs the generator and fails unless it ran without exception and everything, user code and generated, compiles without warnings.</summary>
    private static GeneratorRun CleanRun(params string[] sources)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(sources);
        run.AssertClean();
        return run;
    }

    private static int Count(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, System.StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, System.StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
