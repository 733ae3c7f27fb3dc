using System;
using System.Linq;
using LayerGen.Generator.Parsing;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The generator remembers each layer's parse and each construction's reading across runs (SemanticMemo): an edit
/// must re-read only what it can change, and what it serves from memory must be what a fresh run computes.
/// The oracle for the second half is a fresh driver over the edited sources (new trees, nothing remembered).
/// </summary>
public sealed class SemanticMemoTests
{
    private const string Widths = """
        namespace Chapter;

        public static class Widths
        {
            public const int Hidden = 8;
        }
        """;

    private const string Scaled = """
        using LayerGen;

        namespace Chapter;

        [Layer]
        public partial class Scaled
        {
            [Parameter] Tensor scale = Tensor.Randn(Widths.Hidden);

            Tensor Forward(Tensor x) => x * scale;
        }
        """;

    private const string Shifted = """
        using LayerGen;

        namespace Chapter;

        [Layer]
        public partial class Shifted(int n)
        {
            [Parameter] Tensor shift = Tensor.Randn(n);

            Tensor Forward(Tensor x) => x + shift;
        }
        """;

    private const string Centered = """
        using LayerGen;

        namespace Chapter;

        [Layer]
        public partial class Centered
        {
            Tensor Forward(Tensor x) => (x - x.Mean()) * Factor;
        }
        """;

    private const string CenteredFactor = """
        namespace Chapter;

        public partial class Centered
        {
            private const float Factor = 1f;
        }
        """;

    private const string Uses = """
        using LayerGen;

        namespace Chapter;

        public static class Uses
        {
            public static ILayer Make() => new Sequential(new Shifted(4), new Centered());

            public static Shifted Wide() => new Shifted(16);
        }
        """;

    private const string Tabled = """
        using LayerGen;

        namespace Chapter;

        [Layer]
        public partial class Tabled
        {
            [Buffer] Tensor table = Tables.Make(4);

            Tensor Forward(Tensor x) => x.MatMul(table);
        }
        """;

    private const string Tables = """
        using LayerGen;

        namespace Chapter;

        public static class Tables
        {
            public static Tensor Make(int n) => Tensor.Zeros(n, 3);
        }
        """;

    /// <summary>
    /// 0: Widths, 1: Scaled (reads Widths.Hidden), 2: Shifted, 3: Centered, 4: the constructions, 5: the rest of Centered,
    /// 6: Tabled (its buffer made by Tables.Make), 7: Tables.
    /// </summary>
    private static readonly string[] Program = [Widths, Scaled, Shifted, Centered, Uses, CenteredFactor, Tabled, Tables];

    [Fact]
    public void Editing_one_layer_re_reads_that_layer_alone()
    {
        string edited = Centered.Replace("* Factor", "* Factor * 2f", StringComparison.Ordinal);
        var first = GeneratorHarness.Run<LayerGenerator>(Program);

        int before = SemanticMemo.ComputedOnThisThread("[Layer]");
        var second = GeneratorHarness.RunAgain(first.Driver, GeneratorHarness.Edits.ReplaceSource(3, edited)((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)first.InputCompilation));

        second.AssertClean();
        Assert.Equal(1, SemanticMemo.ComputedOnThisThread("[Layer]") - before);
    }

    /// <summary>
    /// Nothing need keep the previous compilation alive between two runs (the IDE drops an old snapshot), so what is
    /// remembered must not depend on it: a collection between the runs once made a CI run re-read a second layer.
    /// </summary>
    [Fact]
    public void A_garbage_collection_between_runs_forgets_nothing()
    {
        string edited = Centered.Replace("* Factor", "* Factor * 2f", StringComparison.Ordinal);
        var (driver, editedCompilation) = FirstRunThenEdit(edited);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        int before = SemanticMemo.ComputedOnThisThread("[Layer]");
        var second = GeneratorHarness.RunAgain(driver, editedCompilation);

        second.AssertClean();
        Assert.Equal(1, SemanticMemo.ComputedOnThisThread("[Layer]") - before);
    }

    /// <summary>The first run and the edited compilation, leaving nothing on this frame that holds the first compilation.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (Microsoft.CodeAnalysis.GeneratorDriver Driver, Microsoft.CodeAnalysis.Compilation Edited) FirstRunThenEdit(string edited)
    {
        var first = GeneratorHarness.Run<LayerGenerator>(Program);
        var compilation = GeneratorHarness.Edits.ReplaceSource(3, edited)((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)first.InputCompilation);
        return (first.Driver, compilation);
    }

    [Fact]
    public void Editing_a_layer_s_forward_re_reads_no_construction()
    {
        // The edit changes the forward's body, which no construction of the layer (new Shifted(4), new Shifted(16)) can see.
        string edited = Shifted.Replace("x + shift", "x - shift", StringComparison.Ordinal);
        var first = GeneratorHarness.Run<LayerGenerator>(Program);

        int constructions = SemanticMemo.ComputedOnThisThread("construction");
        int layers = SemanticMemo.ComputedOnThisThread("[Layer]");
        var second = GeneratorHarness.RunAgain(first.Driver, GeneratorHarness.Edits.ReplaceSource(2, edited)((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)first.InputCompilation));

        second.AssertClean();
        Assert.Equal(constructions, SemanticMemo.ComputedOnThisThread("construction"));
        Assert.Equal(1, SemanticMemo.ComputedOnThisThread("[Layer]") - layers);
        Assert.NotEqual(first.GeneratedSources, second.GeneratedSources);
    }

    [Fact]
    public void Editing_a_file_without_layers_or_constructions_re_reads_nothing()
    {
        var first = GeneratorHarness.Run<LayerGenerator>(Program);

        int layers = SemanticMemo.ComputedOnThisThread("[Layer]");
        int constructions = SemanticMemo.ComputedOnThisThread("construction");
        var second = GeneratorHarness.RunAgain(
            first.Driver,
            GeneratorHarness.Edits.AddUnrelatedSource()((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)first.InputCompilation));

        second.AssertClean();
        Assert.Equal(layers, SemanticMemo.ComputedOnThisThread("[Layer]"));
        Assert.Equal(constructions, SemanticMemo.ComputedOnThisThread("construction"));
    }

    public static TheoryData<string, int, string> EditsAnotherFileSees => new()
    {
        // A constant in another file that a parameter's shape reads.
        { "a constant the layer reads", 0, Widths.Replace("Hidden = 8", "Hidden = 12", StringComparison.Ordinal) },
        // The constructor a construction site calls: the layer's file is a new tree, the construction's is not.
        { "the constructed layer's sizes", 2, Shifted.Replace("(int n)", "(int n, int m)", StringComparison.Ordinal).Replace("Randn(n)", "Randn(m)", StringComparison.Ordinal) },
        // The body of the method in another class that makes a layer's buffer (its shape is read from there).
        { "the method that makes a buffer", 7, Tables.Replace("Zeros(n, 3)", "Zeros(n, 5)", StringComparison.Ordinal) },
        // The other part of a partial layer, in its own file.
        { "another part of the class", 5, CenteredFactor.Replace("1f", "2f", StringComparison.Ordinal) },
    };

    [Theory]
    [MemberData(nameof(EditsAnotherFileSees))]
    public void What_is_remembered_after_an_edit_is_what_a_fresh_run_computes(string what, int file, string newSource)
    {
        var first = GeneratorHarness.Run<LayerGenerator>(Program);
        var edited = Program.ToArray();
        edited[file] = newSource;

        var remembered = GeneratorHarness.RunAgain(
            first.Driver,
            GeneratorHarness.Edits.ReplaceSource(file, newSource)((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)first.InputCompilation));
        var fresh = GeneratorHarness.Run<LayerGenerator>(edited);

        Assert.True(fresh.GeneratedSources.SequenceEqual(remembered.GeneratedSources), $"after an edit of {what}, the remembered run's sources differ from a fresh run's");
        Assert.Equal(
            fresh.GeneratorDiagnostics.Select(d => d.ToString()).OrderBy(d => d, StringComparer.Ordinal),
            remembered.GeneratorDiagnostics.Select(d => d.ToString()).OrderBy(d => d, StringComparer.Ordinal));
        Assert.NotEqual(first.GeneratedSources, remembered.GeneratedSources);
    }
}
