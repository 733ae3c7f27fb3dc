namespace LayerGen;

/// <summary>
/// A lookup table of <c>numEmbeddings</c> vectors of <c>embeddingDim</c> floats, indexed by int64 ids, as
/// <c>torch.nn.Embedding</c>: weight [numEmbeddings, embeddingDim] initialised N(0, 1) as PyTorch does, output
/// <c>[*ids.shape, embeddingDim]</c>, an id outside [0, numEmbeddings) an error naming it. Its gradient scatter-adds the
/// output gradient into the rows the ids picked. An <see cref="IIdsLayer"/>: the first child of a <see cref="Sequential"/>.
/// A [Layer] compiled by LayerGen's own generator.
/// </summary>
[Layer]
public partial class Embedding(int numEmbeddings, int embeddingDim)
{
    [Parameter] private Tensor weight = Tensor.Randn(numEmbeddings, embeddingDim);

    private Tensor Forward(Tensor indices) => Ops.Embedding(indices, weight);
}
