using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The emitted source of layers whose <c>Forward</c> takes several tensors (issue 16): the glue (<c>Call(x, h)</c>,
/// <c>CallEager(x, h)</c>, a span API with one span per input) and kernels taking one span per input and per input
/// gradient. Every run also goes through the harness's Call/CallEager agreement check, input by input.
/// </summary>
public sealed class SeveralInputSnapshotTests
{
    [Fact]
    public void A_GRU_cell_of_an_input_and_a_state_with_a_constant_construction() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer]
        public partial class GruCell(int numInputs, int numHiddens)
        {
            [Parameter] Tensor wXz = Tensor.Randn(numInputs, numHiddens);
            [Parameter] Tensor wHz = Tensor.Randn(numHiddens, numHiddens);
            [Parameter] Tensor bZ = Tensor.Zeros(numHiddens);
            [Parameter] Tensor wXr = Tensor.Randn(numInputs, numHiddens);
            [Parameter] Tensor wHr = Tensor.Randn(numHiddens, numHiddens);
            [Parameter] Tensor bR = Tensor.Zeros(numHiddens);
            [Parameter] Tensor wXh = Tensor.Randn(numInputs, numHiddens);
            [Parameter] Tensor wHh = Tensor.Randn(numHiddens, numHiddens);
            [Parameter] Tensor bH = Tensor.Zeros(numHiddens);

            Tensor Forward(Tensor x, Tensor h)
            {
                var z = Ops.Sigmoid(x.MatMul(wXz) + h.MatMul(wHz) + bZ);
                var r = Ops.Sigmoid(x.MatMul(wXr) + h.MatMul(wHr) + bR);
                var hTilde = Ops.Tanh(x.MatMul(wXh) + (r * h).MatMul(wHh) + bH);
                return z * h + (1 - z) * hTilde;
            }
        }

        public static class Use
        {
            public static GruCell Make() => new GruCell(5, 3);
        }
        """,
        "GruCell",
        "SeveralInputs_GruCell");

    [Fact]
    public void AddNorm_with_both_input_shapes_declared_and_a_dropout_hyperparameter() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer(Input = "[*, normalizedShape]; [*, normalizedShape]")]
        public partial class AddNorm(int normalizedShape, float dropout)
        {
            [Parameter] Tensor gamma = Tensor.Ones(normalizedShape);
            [Parameter] Tensor beta = Tensor.Zeros(normalizedShape);

            Tensor Forward(Tensor x, Tensor y)
            {
                var sum = Ops.Dropout(y, dropout) + x;
                var mean = sum.Mean(-1, keepDim: true);
                var centered = sum - mean;
                var variance = (centered * centered).Mean(-1, keepDim: true);
                return gamma * centered / Ops.Sqrt(variance + 1e-5f) + beta;
            }
        }
        """,
        "AddNorm",
        "SeveralInputs_AddNorm");

    [Fact]
    public void An_RNN_step_returning_its_output_and_new_state_as_a_tuple() => Match(
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

        public static class Use
        {
            public static RnnStep Make() => new RnnStep(5, 4, 3);
        }
        """,
        "RnnStep",
        "SeveralInputs_RnnStep");

    private static void Match(string source, string layer, string snapshot)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        run.AssertClean();
        Snapshot.Match(run.Source($"OpSnapshots.{layer}.g.cs"), snapshot);

        // The harness ran it both ways (Call and CallEager of two tensors), not skipped it.
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Contains(outcome.Checked, line => line.Contains(layer, System.StringComparison.Ordinal));
    }
}
