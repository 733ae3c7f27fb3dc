using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The emitted source of a layer choosing its nonlinearity by an enum hyperparameter with an early return (PyTorch's
/// <c>nonlinearity='relu'</c>): both paths built, the result selected by a mask the kernels compute from the enum.
/// </summary>
public sealed class EnumBranchSnapshotTests
{
    [Fact]
    public void An_enum_nonlinearity_returning_early()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace OpSnapshots;

            public enum Nonlinearity { Tanh, Relu }

            [Layer]
            public partial class Activated(int inUnits, int units, Nonlinearity nonlinearity)
            {
                [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
                [Parameter] Tensor bias = Tensor.Randn(units);

                Tensor Forward(Tensor x)
                {
                    var h = x.MatMul(weight) + bias;
                    if (nonlinearity == Nonlinearity.Relu)
                    {
                        return Ops.Relu(h);
                    }

                    return Ops.Tanh(h);
                }
            }

            public static class Use
            {
                public static Activated Make() => new Activated(4, 3, Nonlinearity.Relu);
            }
            """);
        run.AssertClean();
        Snapshot.Match(run.Source("OpSnapshots.Activated.g.cs"), "EnumBranch_Activated");
    }
}
