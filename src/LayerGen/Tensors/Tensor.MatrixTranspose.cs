using System;

namespace LayerGen;

public sealed partial class Tensor
{
    /// <summary>
    /// The last two axes swapped, as PyTorch's <c>Tensor.mT</c> (<c>Transpose(-1, -2)</c>; a copy): the transpose of
    /// every matrix of a batch, e.g. attention scores <c>q.MatMul(k.mT)</c>. The tensor needs at least two axes.
    /// </summary>
#pragma warning disable IDE1006 // PyTorch's name, as a PyTorch user writes it
    public Tensor mT => Rank >= 2
        ? ShapeOps.Transpose(this, -1, -2)
        : throw new ArgumentException($"tensor.mT is only supported on matrices or batches of matrices. Got {Rank}-D tensor.");
#pragma warning restore IDE1006
}
