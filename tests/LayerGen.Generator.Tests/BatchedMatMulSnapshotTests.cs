using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The emitted source of MatMul with PyTorch's batching rules (issue 16): D2L's scaled dot-product attention, whose
/// <c>q.MatMul(k.Transpose(-1, -2))</c> becomes one einsum that reads k as stored (no transposed copy), and a weight
/// applied at every position, one matrix product over the merged batch and step axes. Every run also goes through the
/// harness's Call/CallEager agreement check.
/// </summary>
public sealed class BatchedMatMulSnapshotTests
{
    [Fact]
    public void Scaled_dot_product_attention_of_three_inputs_with_a_constant_construction() => Match(
        """
        using System;
        using LayerGen;

        namespace OpSnapshots;

        [Layer(Input = "[*, queries, d]; [*, keyValues, d]; [*, keyValues, v]")]
        public partial class DotProductAttention(int queries, int keyValues, int d, int v)
        {
            Tensor Forward(Tensor q, Tensor k, Tensor values)
            {
                var scores = q.MatMul(k.Transpose(-1, -2)) / MathF.Sqrt(d);
                return Ops.Softmax(scores, -1).MatMul(values);
            }
        }

        [Layer(Input = "[*, steps, d]")]
        public partial class PerPosition(int steps, int d, int h)
        {
            [Parameter] Tensor weight = Tensor.Randn(d, h);

            Tensor Forward(Tensor x) => x.MatMul(weight);
        }

        public static class Use
        {
            public static DotProductAttention Make() => new DotProductAttention(3, 4, 8, 2);

            public static PerPosition MakeProjection() => new PerPosition(5, 8, 4);
        }
        """,
        "DotProductAttention",
        "BatchedMatMul_DotProductAttention",
        "PerPosition");

    private static void Match(string source, string layer, string snapshot, string other)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        run.AssertClean();
        Snapshot.Match(run.Source($"OpSnapshots.{layer}.g.cs"), snapshot);

        // The harness ran both layers both ways (Call and CallEager), not skipped them.
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Contains(outcome.Checked, line => line.Contains(layer, System.StringComparison.Ordinal));
        Assert.Contains(outcome.Checked, line => line.Contains(other, System.StringComparison.Ordinal));
    }
}
