using System.Collections.Generic;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The output is byte-stable (STYLE.md, rule 7): the same program gives the same text, however
/// often the generator runs and in whatever order it meets the files and the constructions.
/// </summary>
public sealed class DeterminismTests
{
    private static readonly string[] Program =
    [
        ChapterSources.CenteredLayer,
        ChapterSources.MyLinear,
        ChapterSources.Net,
        ChapterSources.Linear64x8,
    ];

    [Fact]
    public void Two_runs_from_scratch_give_byte_identical_sources()
    {
        GeneratorRun first = GeneratorHarness.Run<LayerGenerator>(Program);
        GeneratorRun second = GeneratorHarness.Run<LayerGenerator>(Program);

        first.AssertClean();
        AssertSameOutput(first.GeneratedSources, second.GeneratedSources);
    }

    [Fact]
    public void The_order_of_the_source_files_does_not_change_the_output()
    {
        GeneratorRun forwards = GeneratorHarness.Run<LayerGenerator>(Program);
        GeneratorRun backwards = GeneratorHarness.Run<LayerGenerator>(
            ChapterSources.Linear64x8, ChapterSources.Net, ChapterSources.MyLinear, ChapterSources.CenteredLayer);

        AssertSameOutput(forwards.GeneratedSources, backwards.GeneratedSources);
    }

    [Fact]
    public void The_order_of_the_construction_sites_does_not_change_the_output()
    {
        // Ordered by size and by value, then shuffled, then split over two files, with repeats.
        const string Ascending = """
            namespace Chapter;

            public static class Sites
            {
                public static object[] All() => [new MyLinear(5, 3), new MyLinear(8, 1), new MyLinear(10, 2), new MyLinear(64, 8)];
            }
            """;
        const string Shuffled = """
            namespace Chapter;

            public static class Sites
            {
                public static object[] All() => [new MyLinear(64, 8), new MyLinear(10, 2), new MyLinear(5, 3), new MyLinear(8, 1), new MyLinear(64, 8)];
            }
            """;
        const string FirstHalf = """
            namespace Chapter;

            public static class Sites
            {
                public static object[] Some() => [new MyLinear(8, 1), new MyLinear(64, 8)];
            }
            """;
        const string SecondHalf = """
            namespace Chapter;

            public static class MoreSites
            {
                public static object[] Others() => [new MyLinear(10, 2), new MyLinear(5, 3), new MyLinear(8, 1)];
            }
            """;

        GeneratorRun ascending = GeneratorHarness.Run<LayerGenerator>(ChapterSources.MyLinear, Ascending);
        GeneratorRun shuffled = GeneratorHarness.Run<LayerGenerator>(Shuffled, ChapterSources.MyLinear);
        GeneratorRun split = GeneratorHarness.Run<LayerGenerator>(SecondHalf, ChapterSources.MyLinear, FirstHalf);

        ascending.AssertClean();
        string myLinear = ascending.Source("Chapter.MyLinear.g.cs");
        Assert.Contains("struct Sizes_inUnits10_units2", myLinear);
        AssertSameOutput(ascending.GeneratedSources, shuffled.GeneratedSources);
        AssertSameOutput(ascending.GeneratedSources, split.GeneratedSources);
    }

    private static void AssertSameOutput(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach ((string hintName, string text) in expected)
        {
            // Ordinal comparison; on failure, a line diff is easier to read than two long strings.
            Assert.True(
                string.Equals(text, actual[hintName], System.StringComparison.Ordinal),
                $"{hintName} differs:{System.Environment.NewLine}{Snapshot.Diff(text, actual[hintName], "first", "second")}");
        }
    }
}
