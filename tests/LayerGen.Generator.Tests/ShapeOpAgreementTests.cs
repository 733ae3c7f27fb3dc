using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The shape ops' rules in the generator (Ir/GraphBuilder.Structural.cs) against the eager ops
/// (src/LayerGen/Ops/ShapeOps.cs): a program one path accepts, the other must run with the same result,
/// or the generator must refuse it. The edge cases below compile, and the harness runs every layer both
/// ways (<see cref="EagerAgreement"/>); the others are refused at compile time.
/// </summary>
public sealed class ShapeOpAgreementTests
{
    /// <summary>Input shape, parameters, forward: one layer each, all in one source (one compilation).</summary>
    private static readonly (string Input, string Members, string Forward)[] Accepted =
    [
        ("[*, 3, 4]", "", "x.View(-1, 12)"),
        ("[*, 3, 4]", "", "x.Reshape(-1, 2, 6).Sum(-1)"),
        ("[*, 3, 4]", "", "x.Permute(0, 2, 1).Reshape(-1, 12)"),
        ("[*, 3, 4]", "", "x.Transpose(-1, -1)"),
        ("[*, 3, 4]", "", "x.Transpose(1, 2)"),
        ("[*, 3, 4]", "", "x.Permute(0, -1, -2)"),
        ("[*, 3, 4]", "", "x.Permute(-3, 2, 1)"),
        ("[*, 3, 4]", "", "Ops.Stack(-1, x, x * 2f)"),
        ("[*, 3, 4]", "", "Ops.Stack(3, x, x * 2f)"),
        ("[*, 3, 4]", "", "Ops.Concat(-2, x, x.Narrow(-2, 0, 1))"),
        ("[*, 3]", "", "x.Narrow(-1, 0, 3)"),
        ("[*, 3]", "", "x.Narrow(1, 1, 2)"),
        ("[*, 3]", "", "x.Slice(1, 1, 3)"),
        ("[*, 3]", "", "x.Slice(-1, 1, 5)"), // Python's slicing clamps the end to 3, and so does the generator
        ("[*, 3]", "", "x.Slice(-1, -5, 2)"), // and the start to 0
        ("[*, 4]", "", "x.Slice(-1, -2, 100)"),
        ("[*, 3]", "", "Ops.Concat(-1, x)"),
        ("[*, 3]", "", "Ops.Concat(1, x, x * 2f)"),
        ("[*, 3]", "", "x.Sum(-1, true).Reshape(-1)"),
        // Stacking at 0 puts the batch second; a later op may bring it back to the front.
        ("[*, 3]", "", "Ops.Stack(0, x, x * 2f).Permute(1, 0, 2)"),
        ("[*, 3]", "", "Ops.Stack(0, x, x * 2f).Transpose(0, 1)"),
        ("[*, 3]", "", "Ops.Stack(-3, x, x * 2f).Sum(-3)"),
        ("[*, 3]", "", "Ops.Stack(0, x, x * 2f).Narrow(0, 1, 1).Sum(0)"),
        ("[*, 12]", "[Parameter] Tensor w = Tensor.Randn(3, 4);", "x * w.Reshape(-1)"),
        ("[*, 2, 3]", "[Parameter] Tensor w = Tensor.Randn(3, 2);", "x * w.T"),
        ("[*, 2, 3]", "[Parameter] Tensor w = Tensor.Randn(2, 3);", "x * w.Transpose(0, 1).Transpose(-1, -2)"),
        ("[*, 3]", "[Parameter] Tensor w = Tensor.Randn(2, 3);", "Ops.Concat(0, w, w * 2f).Sum(0) * x"),
        ("[*, 3]", "[Parameter] Tensor w = Tensor.Randn(2, 3);", "w.Narrow(0, 1, 1) * x"),
        ("", "", "x.Reshape(-1, 1)"),
        ("", "", "Ops.Stack(1, x, x * 2f)"),
        ("", "", "Ops.Stack(0, x, x * 2f).Sum(0)"),
    ];

    [Fact]
    public void Edge_cases_the_generator_accepts_run_the_same_through_CallEager()
    {
        string layers = string.Join("\n", Accepted.Select((c, i) => $$"""
            {{(c.Input.Length == 0 ? "[Layer]" : $"[Layer(Input = \"{c.Input}\")]")}}
            public partial class Case{{i}}
            {
                {{c.Members}}

                Tensor Forward(Tensor x) => {{c.Forward}};
            }

            """));

        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>("using LayerGen;\n\nnamespace ShapeOps;\n\n" + layers);

        run.AssertClean();
        EagerAgreement.Outcome outcome = Assert.IsType<EagerAgreement.Outcome>(EagerAgreement.OutcomeOf(run));
        Assert.Equal(Accepted.Length, outcome.Checked.Count);
        Assert.Empty(outcome.Skipped);
    }

    /// <summary>Programs the eager path would run (or refuse) differently, so the generator refuses them (LG0005).</summary>
    [Theory]
    [InlineData("[*, 3, 4]", "x.Reshape(-1, -1, 2)")] // eager: only one dimension can be inferred
    [InlineData("[*, 3]", "x.Reshape(3, -1)")] // the batch would be cut into rows of another length
    [InlineData("[*, 3]", "Ops.Stack(0, x, x)")] // the batch would not come first
    [InlineData("[*, 3]", "Ops.Concat(0, x, x)")] // twice the rows
    [InlineData("[*, 3]", "x.Narrow(0, 0, 1)")] // one row for all
    [InlineData("[*, 3]", "x.Permute(1, 0)")] // the batch would move
    [InlineData("[*, 3]", "x.Slice(-1, 2, 1)")] // eager gives an empty [*, 0], the kernels need an element
    [InlineData("[*, 3]", "x.Narrow(-1, 2, 2)")] // torch.narrow refuses a block past the end, and so does the generator
    public void Programs_the_paths_would_run_differently_are_refused(string input, string forward)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            $$"""
            using LayerGen;

            namespace ShapeOps;

            [Layer(Input = "{{input}}")]
            public partial class Refused
            {
                Tensor Forward(Tensor x) => {{forward}};
            }
            """);

        Assert.Equal(["LG0005"], run.GeneratorDiagnostics.Select(d => d.Id));
        Assert.Empty(run.GeneratedSources);
    }
}
