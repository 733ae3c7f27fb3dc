using System.Linq;
using Xunit;
using Xunit.Sdk;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// The harness-wide check that <c>Call</c> and <c>CallEager</c> agree (<see cref="EagerAgreement"/>), tested
/// itself: it runs the sizes it should, layers and losses, fails with a message that locates the
/// difference, and records why it skipped a layer it could not construct.
/// </summary>
public sealed class EagerAgreementTests
{
    [Fact]
    public void Each_constant_construction_is_checked_with_its_sizes()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Agreement;

            [Layer]
            public partial class Dense(int inputs, int outputs)
            {
                [Parameter] Tensor weight = Tensor.Randn(inputs, outputs);

                Tensor Forward(Tensor x) => Ops.Tanh(x.MatMul(weight));
            }

            public static class Build
            {
                public const int Wide = 9;

                public static Sequential Create() => new Sequential(new Dense(5, Wide), new Dense(Wide, 2));
            }
            """);

        EagerAgreement.Outcome outcome = Assert.IsType<EagerAgreement.Outcome>(EagerAgreement.OutcomeOf(run));
        Assert.Null(outcome.Failure);
        Assert.Equal(
            ["Agreement.Dense(inputs: 5, outputs: 9) on [2, 5]", "Agreement.Dense(inputs: 9, outputs: 2) on [2, 9]"],
            outcome.Checked);
        Assert.Empty(outcome.Skipped);
    }

    [Fact]
    public void Without_a_constant_construction_small_distinct_sizes_are_used()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Agreement;

            [Layer(Input = "[*, m, n]")]
            public partial class Scaled(int n, int m)
            {
                [Parameter] Tensor scale = Tensor.Randn(n);

                Tensor Forward(Tensor x) => (x * scale).Softmax(-2);
            }
            """);

        Assert.Equal(["Agreement.Scaled(n: 3, m: 4) on [2, 4, 3]"], EagerAgreement.OutcomeOf(run)!.Checked);
    }

    [Fact]
    public void A_loss_is_checked_with_values_or_class_indices_as_its_target()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Agreement;

            [Loss]
            public partial class SquaredError
            {
                Tensor Forward(Tensor input, Tensor target) => ((input - target) * (input - target)).Mean();
            }

            [Loss(Input = "[*, classes]")]
            public partial class NegativeLogLikelihood(int classes)
            {
                Tensor Forward(Tensor input, Tensor target) => -Ops.Pick(Ops.LogSoftmax(input, -1), target).Mean();
            }
            """);

        Assert.Equal(
            ["Agreement.NegativeLogLikelihood(classes: 3) on [2, 3], target [2]", "Agreement.SquaredError on [2], target [2]"],
            EagerAgreement.OutcomeOf(run)!.Checked);
    }

    /// <summary>A hand-written layer whose two paths differ (the generator never wrote it): the check must catch it.</summary>
    [Fact]
    public void A_layer_whose_paths_differ_fails_the_run_naming_the_layer_sizes_shapes_and_element()
    {
        FailException failure = Assert.Throws<FailException>(() => GeneratorHarness.Run<LayerGenerator>(
            """
            using System;
            using System.Collections.Generic;
            using LayerGen;
            using LayerGen.Generated;

            namespace Agreement;

            [Layer]
            public partial class Honest
            {
                Tensor Forward(Tensor x) => x * 2f;
            }

            [LayerSignature("n", "[*, n]", "[*, n]")]
            public sealed class Liar(int n) : ILayer
            {
                public string LayerName => "Liar";
                public string KernelName => "Liar";
                public Tensor Call(Tensor input) => input * 2f;
                public Tensor CallEager(Tensor input) => Ops.Where(input > 0.5f, input * 3f, input * 2f);
                public IEnumerable<KeyValuePair<string, Tensor>> LocalParameters() => [];
                public IEnumerable<KeyValuePair<string, IModule>> NamedChildren() => [];
                public int InputRowLength => n;
                public int OutputRowLength => n;
                public int SavedLength(int rows) => 0;
                public void ForwardSpan(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved) { }
                public void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved) { }
            }
            """));

        string message = failure.Message;
        Assert.Contains("Call and CallEager disagree (2 problem(s))", message);
        Assert.Matches(@"Agreement\.Liar\(n: 3\) on input \[2, 3\], output \[2, 3\]: first difference at \[\d, \d\]: Call [-0-9.E]+, CallEager [-0-9.E]+", message);
        Assert.Matches(@"Agreement\.Liar\(n: 3\) on input \[2, 3\], d Sum\(\)/d input \[2, 3\]: first difference at \[\d, \d\]: Call 2, CallEager 3", message);
        Assert.DoesNotContain("Honest", message);
    }

    [Fact]
    public void A_layer_that_cannot_be_constructed_is_skipped_with_the_reason()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Agreement;

            [Layer]
            public partial class NeedsRoom(int n)
            {
                private readonly float[] table = new float[n - 10];

                [Parameter] Tensor gain = Tensor.Ones(n);

                Tensor Forward(Tensor x) => x * gain;
            }

            public static class Build
            {
                public static NeedsRoom[] Create() => [new NeedsRoom(3), new NeedsRoom(12)];
            }
            """);

        EagerAgreement.Outcome outcome = EagerAgreement.OutcomeOf(run)!;
        Assert.Null(outcome.Failure);
        Assert.Equal(["Agreement.NeedsRoom(n: 12) on [2, 12]"], outcome.Checked);
        string skipped = Assert.Single(outcome.Skipped);
        Assert.StartsWith("Agreement.NeedsRoom(n: 3): its constructor threw OverflowException", skipped);
    }

    [Fact]
    public void A_run_with_compile_errors_is_not_checked()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Agreement;

            [Layer]
            public partial class Broken
            {
                Tensor Forward(Tensor x) => x * 2f;

                int Oops() => "not an int";
            }
            """);

        Assert.NotEmpty(run.CompilationErrors);
        Assert.Null(EagerAgreement.OutcomeOf(run));
        Assert.DoesNotContain(EagerAgreement.AllOutcomes, o => o.Checked.Any(line => line.StartsWith("Agreement.Broken", System.StringComparison.Ordinal)));
    }
}
