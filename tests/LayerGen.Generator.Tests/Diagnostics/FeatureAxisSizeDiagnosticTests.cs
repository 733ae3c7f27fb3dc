using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// <c>x.Size(-1)</c> where nothing fixes that axis to a size of the layer (neither a declared input shape nor a use such as
/// <c>x.MatMul(w)</c>) in a layer of several inputs, or an axis the declared shape does not have: LG0003 on the read itself,
/// saying what would fix it. With one input whose features nothing fixes, the read is a run-time size of the layer.
/// Where a declaration or a parameter fixes the axis, the layer compiles clean and its generated path agrees with its eager
/// one (the harness's check).
/// </summary>
public sealed class FeatureAxisSizeDiagnosticTests
{
    [Fact]
    public void LG0003_on_a_feature_axis_nothing_fixes_of_a_layer_of_several_inputs()
    {
        // One input's unfixed features become run-time sizes (below); a layer of several inputs has none of those yet.
        var (source, spans) = Markup.Parse(
            """
            using System;
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Scaled
            {
                Tensor Forward(Tensor x, Tensor y) => x * y * (1f / MathF.Sqrt({|LG0003:y.Size(-1)|}));
            }
            """);
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.Null(run.Exception);
        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("LG0003", error.Id);
        Assert.Equal(spans.Single().Span, error.Location.SourceSpan);
        Assert.Equal(
            "LayerGen cannot compile 'y.Size(-1)' in the forward definition of 'Scaled': 'y.Size(-1)' reads axis -1 of 'y', and nothing in the forward fixes that axis to a size of the layer (a parameter it meets, as in 'x.MatMul(w)'); "
            + "declare the input's shape with the layer's sizes, e.g. [Layer(Input = \"[*, n]\")] (then 'y.Size(-1)' is n), or write the size by name",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_feature_axis_nothing_fixes_becomes_a_run_time_size_and_agrees_both_ways()
    {
        // The layer this file once refused: x's width is no size of the layer, so it is read from the input at each call,
        // and x.Size(-1) is that run-time size, in the run-time-bounded kernel (the only one: KernelName says so).
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using System;
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Scaled(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x) => x.Sum(-1, keepDim: true) * w * (1f / MathF.Sqrt(x.Size(-1)));
            }

            public static class Build
            {
                public static Scaled Small() => new(3);
            }
            """);
        run.AssertClean();
        string source = run.Source("Demo.Scaled.g.cs");
        Assert.Contains("LayerSignature(\"n, features\", \"[*, features]\", \"[*, n]\", RunTimeSizes = \"features\")", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain("Sizes_n3", source, System.StringComparison.Ordinal);
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        Assert.Equal(["Demo.Scaled(n: 3, features: 6) on [2, 6]"], outcome.Checked);
    }

    [Fact]
    public void A_feature_axis_only_a_parameter_fixes_reads_that_size_and_agrees_both_ways()
    {
        // Issue 16's example: no declaration, the axis fixed by x.MatMul(w) alone; as a scalar and as a size argument.
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using System;
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Scaled(int inUnits, int units)
            {
                [Parameter] Tensor w = Tensor.Randn(inUnits, units);

                Tensor Forward(Tensor x) => x.MatMul(w) / MathF.Sqrt(x.Size(-1));
            }

            [Layer]
            public partial class HeadSoftmax(int d, int heads)
            {
                [Parameter] Tensor w = Tensor.Randn(d, d);

                Tensor Forward(Tensor x) => x.MatMul(w).Reshape(-1, heads, x.Size(-1) / heads).Softmax(-1).Reshape(-1, x.Size(-1));
            }

            public static class Use
            {
                public static Scaled Make() => new Scaled(6, 3);
                public static HeadSoftmax Heads() => new HeadSoftmax(6, 2);
            }
            """);
        run.AssertClean();
        var outcome = EagerAgreement.OutcomeOf(run)!;
        Assert.Null(outcome.Failure);
        Assert.Contains(outcome.Checked, line => line.StartsWith("Demo.Scaled(", System.StringComparison.Ordinal));
        Assert.Contains(outcome.Checked, line => line.StartsWith("Demo.HeadSoftmax(", System.StringComparison.Ordinal));
    }

    [Fact]
    public void LG0003_on_an_axis_the_declared_shape_does_not_have()
    {
        var (source, spans) = Markup.Parse(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, steps, d]")]
            public partial class Split(int steps, int d)
            {
                [Parameter] Tensor gain = Tensor.Randn(d);

                Tensor Forward(Tensor x) => (x * gain).Reshape(-1, {|LG0003:x.Size(3)|});
            }
            """);
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.Null(run.Exception);
        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("LG0003", error.Id);
        Assert.Equal(spans.Single().Span, error.Location.SourceSpan);
        Assert.Equal(
            "LayerGen cannot compile 'x.Size(3)' in the forward definition of 'Split': 'x.Size(3)' reads axis 3, but 'x' is declared [*, steps, d]: its axes are 0 (the batch) to 2 (or -1 to -2 from the end)",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Declared_axes_read_as_sizes_compile_clean_and_agree_both_ways()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using System;
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, steps, d]")]
            public partial class Heads(int steps, int d, int heads)
            {
                [Parameter] Tensor gain = Tensor.Randn(heads, 1);

                Tensor Forward(Tensor x) =>
                    (x.Reshape(-1, x.Size(1), heads, x.Size(-1) / heads) * gain).Reshape(-1, x.Size(1), x.Size(2)) * (1f / MathF.Sqrt(x.Size(-1)))
                    + Tensor.Zeros(x.Size(0), x.Size(1), x.Size(-1));
            }

            public static class Use
            {
                public static Heads Make() => new Heads(3, 4, 2);
            }
            """);
        run.AssertClean();
        Assert.Contains(EagerAgreement.OutcomeOf(run)!.Checked, line => line.Contains("Heads", System.StringComparison.Ordinal));
    }
}
