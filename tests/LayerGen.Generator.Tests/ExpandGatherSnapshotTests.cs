using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The emitted source of the broadcasting and gathering ops of issue 16: a parameter expanded to the batch and joined to
/// the input (<c>Ops.Concat(-1, x, p.Expand(x.Size(0), -1))</c>: one Expand node the concatenation reads, its gradient a
/// sum over the batch), and <c>x.Gather(-1, index)</c> by an int64 index input (the runtime's IndexKernels, forward and
/// scatter-add backward). The harness also runs each through Call and CallEager.
/// </summary>
public sealed class ExpandGatherSnapshotTests
{
    [Fact]
    public void A_parameter_expanded_to_the_batch_and_joined_to_the_input()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace OpSnapshots;

            [Layer(Input = "[*, n]")]
            public partial class ConcatLearned(int n, int m)
            {
                [Parameter] Tensor p = Tensor.Randn(m);

                Tensor Forward(Tensor x) => Ops.Tanh(Ops.Concat(-1, x, p.Expand(x.Size(0), -1)));
            }

            public static class Use
            {
                public static ConcatLearned Make() => new ConcatLearned(3, 2);
            }
            """);
        run.AssertClean();
        Snapshot.Match(run.Source("OpSnapshots.ConcatLearned.g.cs"), "Expand_ConcatLearned");
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Contains(outcome.Checked, line => line.Contains("ConcatLearned", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Scores_gathered_along_the_last_axis_by_an_index_input()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace OpSnapshots;

            [Layer(Input = "[*, n]; [*, k]")]
            public partial class PickedScores(int n, int k)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x, Tensor index) => Ops.Tanh((x * w).Gather(-1, index));
            }

            public static class Use
            {
                public static PickedScores Make() => new PickedScores(5, 3);
            }
            """);
        run.AssertClean();
        Snapshot.Match(run.Source("OpSnapshots.PickedScores.g.cs"), "Gather_PickedScores");
    }
}
