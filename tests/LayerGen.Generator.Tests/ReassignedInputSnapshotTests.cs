using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The emitted source of a <c>Forward</c> that reassigns its own parameter (issue 16): the parameter is a local that starts
/// as the input, each new value a buffer of its own (<c>x_2</c>, <c>x_3</c>), as with fresh locals; no copy of the input.
/// A loop carrying the state in the parameter compiles too, and every run goes through the harness's Call/CallEager
/// agreement check.
/// </summary>
public sealed class ReassignedInputSnapshotTests
{
    [Fact]
    public void Relu_then_bias_on_the_reassigned_input()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace OpSnapshots;

            [Layer]
            public partial class ReluThenBias(int n)
            {
                [Parameter] Tensor bias = Tensor.Randn(n);

                public Tensor Forward(Tensor x)
                {
                    x = Ops.Relu(x);
                    x = x + bias;
                    return x;
                }
            }

            public static class Use
            {
                public static ReluThenBias Make() => new ReluThenBias(5);
            }
            """);
        run.AssertClean();
        Snapshot.Match(run.Source("OpSnapshots.ReluThenBias.g.cs"), "ReassignedInput_ReluThenBias");
        Assert.Contains(EagerAgreement.OutcomeOf(run)!.Checked, line => line.Contains("ReluThenBias", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_state_reassigned_in_a_loop_and_a_second_input_reassigned_agree_both_ways()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class TanhSteps(int n, int steps)
            {
                [Parameter] Tensor w = Tensor.Randn(n, n) * 0.5f;

                public Tensor Forward(Tensor h)
                {
                    for (int t = 0; t < steps; t++)
                    {
                        h = Ops.Tanh(h.MatMul(w));
                    }

                    return h;
                }
            }

            [Layer]
            public partial class StateCell(int inputs, int hiddens)
            {
                [Parameter] Tensor wX = Tensor.Randn(inputs, hiddens);
                [Parameter] Tensor wH = Tensor.Randn(hiddens, hiddens);

                public Tensor Forward(Tensor x, Tensor h)
                {
                    h += x.MatMul(wX);
                    x = Ops.Tanh(h.MatMul(wH));
                    return x + h;
                }
            }

            public static class Use
            {
                public static TanhSteps Make() => new TanhSteps(4, 3);

                public static StateCell Cell() => new StateCell(3, 4);
            }
            """);
        run.AssertClean();
        var checkedLayers = EagerAgreement.OutcomeOf(run)!.Checked;
        Assert.Contains(checkedLayers, line => line.Contains("TanhSteps", System.StringComparison.Ordinal));
        Assert.Contains(checkedLayers, line => line.Contains("StateCell", System.StringComparison.Ordinal));
    }
}
