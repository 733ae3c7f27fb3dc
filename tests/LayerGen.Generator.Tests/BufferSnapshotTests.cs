using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The emitted source of a layer with buffers updated in training mode (issue 16): a BatchNorm1d written as D2L writes it.
/// Its kernels read the buffers after the parameters, copy their old values first, select each path by the training flag,
/// and write the running statistics back into the buffers after every other forward step. Every run also goes through the
/// harness's Call/CallEager agreement check.
/// </summary>
public sealed class BufferSnapshotTests
{
    [Fact]
    public void A_batch_norm_with_running_statistics_updated_in_training_mode() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer(Input = "[*, numFeatures]")]
        public partial class BatchNorm1d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f)
        {
            [Parameter] Tensor weight = Tensor.Ones(numFeatures);
            [Parameter] Tensor bias = Tensor.Zeros(numFeatures);
            [Buffer] Tensor runningMean = Tensor.Zeros(numFeatures);
            [Buffer] Tensor runningVar = Tensor.Ones(numFeatures);

            Tensor Forward(Tensor x)
            {
                var xHat = x;
                if (Training)
                {
                    var mean = x.Mean(0);
                    var centered = x - mean;
                    var variance = (centered * centered).Mean(0);
                    xHat = centered / Ops.Sqrt(variance + eps);
                    var unbiased = (centered * centered).Sum(0) / (x.Size(0) - 1);
                    runningMean = (1 - momentum) * runningMean + momentum * mean;
                    runningVar = (1 - momentum) * runningVar + momentum * unbiased;
                }
                else
                {
                    xHat = (x - runningMean) / Ops.Sqrt(runningVar + eps);
                }

                return weight * xHat + bias;
            }
        }

        public static class Use
        {
            public static BatchNorm1d Make() => new BatchNorm1d(4);
        }
        """,
        "BatchNorm1d",
        "Buffers_BatchNorm1d");

    private static void Match(string source, string layer, string snapshot)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        run.AssertClean();
        Snapshot.Match(run.Source($"OpSnapshots.{layer}.g.cs"), snapshot);

        // The harness ran it both ways (Call and CallEager), not skipped it.
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Contains(outcome.Checked, line => line.Contains(layer, System.StringComparison.Ordinal));
    }
}
