using System.Runtime.CompilerServices;

namespace LayerGen;

// Selecting by int64 ids, as a PyTorch user writes it: weight[ids], weight.IndexSelect(0, ids), x.Gather(-1, index).
// The implementations (forward, checks and the scatter-add backward side by side) are in Ops/IndexOps.cs.
public sealed partial class Tensor
{
    /// <summary>
    /// Rows of dimension 0 picked by the int64 <paramref name="indices"/>, as PyTorch's <c>weight[indices]</c>:
    /// the result has shape <c>indices.Shape ++ Shape[1..]</c>, a negative index counts from the end (-1 is the
    /// last row), and the gradient scatter-adds into this tensor (a repeated index accumulates).
    /// </summary>
    /// <exception cref="System.ArgumentException"><paramref name="indices"/> is not int64, or this tensor is 0-d.</exception>
    /// <exception cref="System.ArgumentOutOfRangeException">An index is outside [-rows, rows): the message names it, its position and the bound.</exception>
    [IndexerName("Element")]
    public Tensor this[Tensor indices] => IndexOps.Index(this, indices);

    /// <summary>
    /// As <c>torch.index_select(dim, ids)</c>: the entries of <paramref name="dim"/> named by the 1-D int64
    /// <paramref name="ids"/>, in their order (repeats allowed); negative ids are refused, as PyTorch refuses them.
    /// </summary>
    /// <exception cref="System.ArgumentException"><paramref name="ids"/> is not a 1-D int64 tensor.</exception>
    /// <exception cref="System.ArgumentOutOfRangeException">An id is outside [0, Size(dim)).</exception>
    public Tensor IndexSelect(int dim, Tensor ids) => IndexOps.IndexSelect(this, dim, ids);

    /// <summary>
    /// As <c>torch.gather(dim, index)</c>: result[i, j, …] = this[i, …, index[i, j, …], …] with the index along
    /// <paramref name="dim"/>; <paramref name="index"/> is int64, of this tensor's rank, and no larger than it
    /// apart from <paramref name="dim"/>. Negative indices are refused, as PyTorch refuses them.
    /// </summary>
    /// <exception cref="System.ArgumentException"><paramref name="index"/> is not int64 or its shape does not fit.</exception>
    /// <exception cref="System.ArgumentOutOfRangeException">An index is outside [0, Size(dim)).</exception>
    public Tensor Gather(int dim, Tensor index) => IndexOps.Gather(this, dim, index);
}
