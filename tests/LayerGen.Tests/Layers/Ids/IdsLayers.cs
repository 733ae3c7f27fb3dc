namespace LayerGen.Tests.Layers.Ids;

// Layers whose Forward takes int64 ids, written as a PyTorch user writes them (issue 16): the generator infers
// that an input used as indices holds ids.

/// <summary>nn.Embedding as a user writes it: <c>weight[indices]</c>.</summary>
[Layer]
public partial class TokenEmbedding(int vocab, int dim)
{
    [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

    public Tensor Forward(Tensor indices) => weight[indices];
}

/// <summary>The same with F.embedding's spelling (negative ids refused).</summary>
[Layer]
public partial class OpsEmbedding(int vocab, int dim)
{
    [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

    public Tensor Forward(Tensor indices) => Ops.Embedding(indices, weight);
}

/// <summary>The same with index_select (one id per row).</summary>
[Layer]
public partial class SelectedRows(int vocab, int dim)
{
    [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

    public Tensor Forward(Tensor indices) => weight.IndexSelect(0, indices);
}

/// <summary>
/// D2L's bag-of-embeddings classifier: an embedding child called with the ids, averaged over the steps, then a
/// linear classifier — the ids reach the child's span kernels as they are.
/// </summary>
[Layer(Input = "[*, steps]")]
public partial class BagOfEmbeddings(int vocab, int dim, int steps, int classes)
{
    OpsEmbedding embedding = new(vocab, dim);
    [Parameter] Tensor weight = Tensor.Randn(dim, classes);
    [Parameter] Tensor bias = Tensor.Randn(classes);

    public Tensor Forward(Tensor indices) => embedding.Call(indices).Mean(1).MatMul(weight) + bias;
}

/// <summary>nn.Flatten for one sample's embedded steps: [*, steps, dim] → [*, steps * dim].</summary>
[Layer(Input = "[*, steps, dim]")]
public partial class FlattenSteps(int steps, int dim)
{
    public Tensor Forward(Tensor x) => x.Reshape(-1, steps * dim);
}
