using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The emitted source of a generic layer (issue 16): the generated part repeats the type parameter list after the class
/// name (not the constraints, which the user's part states), and its kernels — one constant-size body for the sizes of
/// <c>new Tagged&lt;Tag&gt;(4, 3)</c>, one run-time body — are the same for every type argument. The harness also runs
/// Call against CallEager on it (closed with object).
/// </summary>
public sealed class GenericLayerSnapshotTests
{
    [Fact]
    public void A_tagged_linear_layer() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        public sealed class Tag
        {
        }

        [Layer]
        public partial class Tagged<TTag>(int inUnits, int units)
            where TTag : class
        {
            [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
            [Parameter] Tensor bias = Tensor.Zeros(units);

            Tensor Forward(Tensor x) => Ops.Tanh(x.MatMul(weight) + bias);
        }

        public static class Use
        {
            public static Tagged<Tag> Make() => new Tagged<Tag>(4, 3);
        }
        """,
        "Tagged",
        "Generic_Tagged");

    private static void Match(string source, string layer, string snapshot)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        run.AssertClean();
        Snapshot.Match(run.Source($"OpSnapshots.{layer}.g.cs"), snapshot);

        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        Assert.Contains(outcome.Checked, line => line.Contains(layer, System.StringComparison.Ordinal));
    }
}
