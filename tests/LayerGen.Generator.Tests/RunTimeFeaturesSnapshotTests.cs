using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The emitted source of a layer whose features nothing fixes (a softmax with no parameter), and of a loss whose classes nothing fixes (D2L's cross-entropy with no declared input): one
/// run-time-bounded kernel over a size <c>classes</c> that the glue reads from the input's last dimension at each
/// tensor call, and that the span API is told through <c>InputRowLength</c>.
/// </summary>
public sealed class RunTimeFeaturesSnapshotTests
{
    [Fact]
    public void A_cross_entropy_loss_with_no_declared_classes()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace OpSnapshots;

            [Loss]
            public partial class D2lCrossEntropy
            {
                Tensor Forward(Tensor yHat, Tensor y) => -Ops.Pick(Ops.LogSoftmax(yHat, -1), y).Mean();
            }
            """);
        run.AssertClean();
        Snapshot.Match(run.Source("OpSnapshots.D2lCrossEntropy.g.cs"), "RunTimeFeatures_D2lCrossEntropy");
    }

    [Fact]
    public void A_softmax_layer_with_no_declared_input()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace OpSnapshots;

            [Layer]
            public partial class RowSoftmax
            {
                Tensor Forward(Tensor x) => x.Softmax(-1);
            }
            """);
        run.AssertClean();
        Snapshot.Match(run.Source("OpSnapshots.RowSoftmax.g.cs"), "RunTimeFeatures_RowSoftmax");
    }

    [Fact]
    public void A_parent_telling_a_child_softmax_the_width_it_passes()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace OpSnapshots;

            [Layer]
            public partial class RowSoftmax
            {
                Tensor Forward(Tensor x) => x.Softmax(-1);
            }

            [Layer]
            public partial class SoftmaxHead(int n, int k)
            {
                [Parameter] Tensor weight = Tensor.Randn(n, k);
                RowSoftmax softmax = new();

                Tensor Forward(Tensor x) => softmax.Call(x.MatMul(weight));
            }

            public static class Build
            {
                public static SoftmaxHead Head() => new SoftmaxHead(5, 4);
            }
            """);
        run.AssertClean();
        Snapshot.Match(run.Source("OpSnapshots.SoftmaxHead.g.cs"), "RunTimeFeatures_SoftmaxHead");
    }

    [Fact]
    public void A_slice_of_features_nothing_declares_checked_when_the_width_is_read()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace OpSnapshots;

            [Layer]
            public partial class InnerSlice
            {
                Tensor Forward(Tensor x) => x.Slice(-1, 1, -1);
            }
            """);
        run.AssertClean();
        Snapshot.Match(run.Source("OpSnapshots.InnerSlice.g.cs"), "RunTimeFeatures_InnerSlice");
    }

    [Fact]
    public void A_softmax_over_steps_with_two_sizes_nothing_declares()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace OpSnapshots;

            [Layer]
            public partial class StepSoftmax
            {
                Tensor Forward(Tensor x) => x.Softmax(-2);
            }
            """);
        run.AssertClean();
        Snapshot.Match(run.Source("OpSnapshots.StepSoftmax.g.cs"), "RunTimeFeatures_StepSoftmax");
    }
}
