using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The emitted source of a parent taking apart a child's tuple (<c>var (outputs, state) = rnn.Call(x, h);</c>): one
/// call of the child's span forward writing both results into the parent's buffers, and one run of its span backward
/// reading both results' gradients. The harness also runs Call against CallEager on it.
/// </summary>
public sealed class TupleChildSnapshotTests
{
    [Fact]
    public void A_parent_taking_an_RNN_steps_output_and_state_apart() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer]
        public partial class RnnStep(int numInputs, int numHiddens, int numOutputs)
        {
            [Parameter] Tensor wXh = Tensor.Randn(numInputs, numHiddens);
            [Parameter] Tensor wHh = Tensor.Randn(numHiddens, numHiddens);
            [Parameter] Tensor bH = Tensor.Zeros(numHiddens);
            [Parameter] Tensor wHq = Tensor.Randn(numHiddens, numOutputs);
            [Parameter] Tensor bQ = Tensor.Zeros(numOutputs);

            (Tensor Output, Tensor State) Forward(Tensor x, Tensor state)
            {
                var h = Ops.Tanh(x.MatMul(wXh) + state.MatMul(wHh) + bH);
                return (h.MatMul(wHq) + bQ, h);
            }
        }

        [Layer]
        public partial class RnnWithHead(int numInputs, int numHiddens, int numOutputs)
        {
            private readonly RnnStep rnn = new(numInputs, numHiddens, numOutputs);
            [Parameter] Tensor wState = Tensor.Randn(numHiddens, numOutputs);

            Tensor Forward(Tensor x, Tensor h)
            {
                var (outputs, state) = rnn.Call(x, h);
                return outputs * state.MatMul(wState);
            }
        }

        public static class Use
        {
            public static RnnWithHead Make() => new RnnWithHead(5, 4, 3);
        }
        """,
        "RnnWithHead",
        "TupleChild_RnnWithHead");

    private static void Match(string source, string layer, string snapshot)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        run.AssertClean();
        Snapshot.Match(run.Source($"OpSnapshots.{layer}.g.cs"), snapshot);

        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Contains(outcome.Checked, line => line.Contains(layer, System.StringComparison.Ordinal));
    }
}
