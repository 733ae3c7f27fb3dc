using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused around int64 ids (issue 16): ids can only index — arithmetic on them, returning them, or ids
/// computed rather than passed in are LG0003 on the expression — and the indexed tensor must be one without the
/// batch (LG0005), as an embedding table is.
/// </summary>
public sealed class IdsDiagnosticTests
{
    [Fact]
    public void LG0003_arithmetic_on_an_input_used_as_ids()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Shifted(int vocab, int dim)
            {
                [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

                Tensor Forward(Tensor ids) => weight[ids] * {|LG0003:ids|};
            }
            """,
            "LayerGen cannot compile 'ids' in the forward definition of 'Shifted': 'ids' holds int64 ids (it is used as indices), and ids can only index: weight[ids], Ops.Embedding(ids, weight), weight.IndexSelect(0, ids), or a child layer taking ids; there is no arithmetic, result or gradient of ids");
    }

    [Fact]
    public void LG0003_ids_computed_in_the_forward()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Computed(int vocab, int dim)
            {
                [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

                Tensor Forward(Tensor x) => Ops.Embedding({|LG0003:x * 2f|}, weight);
            }
            """,
            "LayerGen cannot compile 'x * 2f' in the forward definition of 'Computed': Ops.Embedding(ids, weight) takes int64 ids, and ids can only be an input of Forward passed as it is (e.g. 'Tensor Forward(Tensor ids) => weight[ids];'); 'x * 2f' is computed");
    }

    [Fact]
    public void LG0005_indexing_a_tensor_with_the_batch()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Batched(int units)
            {
                [Parameter] Tensor w = Tensor.Randn(units);

                Tensor Forward(Tensor x, Tensor ids) => {|LG0005:(x * w)[ids]|};
            }
            """,
            "Shape mismatch in '(x * w)[ids]': weight[ids] picks rows of a tensor without the batch (a parameter, e.g. an embedding table), but this one has shape [*, units]");
    }

    [Fact]
    public void LG0005_an_embedding_weight_that_is_not_a_matrix()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Flat(int vocab)
            {
                [Parameter] Tensor weight = Tensor.Randn(vocab);

                Tensor Forward(Tensor ids) => {|LG0005:Ops.Embedding(ids, weight)|};
            }
            """,
            "Shape mismatch in 'Ops.Embedding(ids, weight)': Ops.Embedding needs a 2-D weight [num_embeddings, embedding_dim], but it has shape [vocab]");
    }
}
