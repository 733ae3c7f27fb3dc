using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The emitted source of layers whose <c>Forward</c> takes int64 ids (issue 16): the ids input reaches the kernels as a
/// <c>ReadOnlySpan&lt;long&gt;</c> with no gradient span, the forward gathers rows (<c>IndexKernels.GatherRows</c>), the
/// backward scatter-adds into the weight's gradient, and a parent passes its ids to an embedding child's span API.
/// Every run also goes through the harness's Call/CallEager agreement check (with ids 0, 1, 0, 1, ...).
/// </summary>
public sealed class IdsSnapshotTests
{
    [Fact]
    public void An_embedding_written_as_weight_indexed_by_the_ids() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer]
        public partial class TokenEmbedding(int vocab, int dim)
        {
            [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

            public Tensor Forward(Tensor indices) => weight[indices];
        }

        public static class Use
        {
            public static TokenEmbedding Make() => new TokenEmbedding(10, 4);
        }
        """,
        "TokenEmbedding",
        "Ids_TokenEmbedding");

    [Fact]
    public void A_classifier_passing_its_ids_to_an_embedding_child() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer]
        public partial class TokenEmbedding(int vocab, int dim)
        {
            [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

            public Tensor Forward(Tensor indices) => Ops.Embedding(indices, weight);
        }

        [Layer(Input = "[*, steps]")]
        public partial class BagOfEmbeddings(int vocab, int dim, int steps, int classes)
        {
            TokenEmbedding embedding = new(vocab, dim);
            [Parameter] Tensor weight = Tensor.Randn(dim, classes);
            [Parameter] Tensor bias = Tensor.Randn(classes);

            public Tensor Forward(Tensor indices) => embedding.Call(indices).Mean(1).MatMul(weight) + bias;
        }
        """,
        "BagOfEmbeddings",
        "Ids_BagOfEmbeddings");

    [Fact]
    public void Rows_selected_with_IndexSelect_agree_both_ways()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Rows(int vocab, int dim)
            {
                [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

                public Tensor Forward(Tensor ids) => Ops.Tanh(weight.IndexSelect(0, ids)) * 2f;
            }
            """);
        run.AssertClean();
        Assert.Contains("ReadOnlySpan<long> input", run.Source("Demo.Rows.g.cs"), System.StringComparison.Ordinal);
        Assert.Contains(EagerAgreement.OutcomeOf(run)!.Checked, line => line.Contains("Rows", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Ids_beside_a_float_input_give_the_float_input_its_gradient_and_the_ids_none()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*]; [*, dim]")]
            public partial class TokenPlusPosition(int vocab, int dim)
            {
                [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

                public Tensor Forward(Tensor ids, Tensor positions) => Ops.Tanh(weight[ids] + positions);
            }
            """);
        run.AssertClean();
        string source = run.Source("Demo.TokenPlusPosition.g.cs");
        Assert.Contains("public void BackwardSpan(int rows, ReadOnlySpan<long> ids, ReadOnlySpan<float> positions, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> positionsGrad, Span<float> saved)", source, System.StringComparison.Ordinal);
        Assert.Contains(EagerAgreement.OutcomeOf(run)!.Checked, line => line.Contains("TokenPlusPosition", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_child_of_ids_and_a_float_input_called_by_a_parent_agrees_both_ways()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*]; [*, dim]")]
            public partial class TokenPlusPosition(int vocab, int dim)
            {
                [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

                public Tensor Forward(Tensor ids, Tensor positions) => Ops.Tanh(weight[ids] + positions);
            }

            [Layer(Input = "[*]; [*, dim]")]
            public partial class Encoder(int vocab, int dim)
            {
                TokenPlusPosition mix = new(vocab, dim);
                [Parameter] Tensor scale = Tensor.Randn(dim);

                public Tensor Forward(Tensor tokens, Tensor x) => mix.Call(tokens, x * scale);
            }

            public static class Use
            {
                public static Encoder Make() => new Encoder(6, 3);
            }
            """);
        run.AssertClean();
        // The ids have no gradient span: the child's backward gets the float input's only.
        Assert.Contains("mix.BackwardSpan(rows, tokens, mul1, output, outputGrad, mul1Grad, mixSaved);", run.Source("Demo.Encoder.g.cs"), System.StringComparison.Ordinal);
        Assert.Contains(EagerAgreement.OutcomeOf(run)!.Checked, line => line.Contains("Encoder", System.StringComparison.Ordinal));
    }

    [Fact]
    public void The_signature_written_for_another_assembly_marks_the_ids_input()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, dim]; [*]")]
            public partial class PositionPlusToken(int vocab, int dim)
            {
                [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

                public Tensor Forward(Tensor positions, Tensor ids) => positions + weight[ids];
            }
            """);
        run.AssertClean();
        Assert.Contains("LayerSignature(\"vocab, dim\", \"[*, dim]; ids [*]\", \"[*, dim]\")", run.Source("Demo.PositionPlusToken.g.cs"), System.StringComparison.Ordinal);

        // Read back as a parent in another assembly reads it: the second input holds ids.
        var type = run.OutputCompilation.GetTypeByMetadataName("Demo.PositionPlusToken")!;
        var signature = LayerGen.Generator.Parsing.ChildReader.SignatureOf(type)!;
        Assert.Equal([1], signature.IdsInputs);
        Assert.Equal(2, signature.InputCount);
        Assert.Equal("dim", Assert.Single(signature.InputFeatures).Symbol);
        Assert.Empty(Assert.Single(signature.OtherInputFeatures));
    }

    private static void Match(string source, string layer, string snapshot)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        run.AssertClean();
        Snapshot.Match(run.Source($"OpSnapshots.{layer}.g.cs"), snapshot);

        // The harness ran it both ways (Call and CallEager on ids), not skipped it.
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Contains(outcome.Checked, line => line.Contains(layer, System.StringComparison.Ordinal));
    }
}
