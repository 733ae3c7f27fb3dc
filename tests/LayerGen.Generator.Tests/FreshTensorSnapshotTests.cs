using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The emitted source of a fresh tensor sized by the batch (<c>Tensor.Zeros(x.Size(0), numHiddens)</c>, D2L's RNN initial
/// state): a workspace buffer filled by a loop, no allocation. The harness also runs it through Call and CallEager.
/// </summary>
public sealed class FreshTensorSnapshotTests
{
    [Fact]
    public void An_rnn_step_from_a_zero_state_sized_by_the_batch()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace OpSnapshots;

            [Layer(Input = "[*, numInputs]")]
            public partial class FirstStep(int numInputs, int numHiddens)
            {
                [Parameter] Tensor wXh = Tensor.Randn(numInputs, numHiddens);
                [Parameter] Tensor wHh = Tensor.Randn(numHiddens, numHiddens);

                Tensor Forward(Tensor x)
                {
                    var state = Tensor.Zeros(x.Size(0), numHiddens);
                    return Ops.Tanh(x.MatMul(wXh) + state.MatMul(wHh) + Tensor.Ones(x.Size(0), numHiddens));
                }
            }

            public static class Use
            {
                public static FirstStep Make() => new FirstStep(3, 4);
            }
            """);
        run.AssertClean();
        Snapshot.Match(run.Source("OpSnapshots.FirstStep.g.cs"), "FreshTensors_FirstStep");
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Contains(outcome.Checked, line => line.Contains("FirstStep", System.StringComparison.Ordinal));
    }
}
