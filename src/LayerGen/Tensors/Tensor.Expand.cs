namespace LayerGen;

public sealed partial class Tensor
{
    /// <summary>
    /// This tensor broadcast to <paramref name="sizes"/>, as torch's <c>expand</c>: -1 keeps a size, a size of 1 stretches
    /// to any size, and sizes in front add leading axes (<c>bias.Expand(x.Size(0), -1)</c> is one copy of a
    /// <c>[n]</c> bias per row). A copy here (tensors have no strides); the gradient sums over the stretched axes.
    /// </summary>
    public Tensor Expand(params int[] sizes) => ExpandOps.Expand(this, sizes);

    /// <summary>This tensor broadcast to <paramref name="other"/>'s shape, as torch's <c>expand_as</c> (see <see cref="Expand"/>).</summary>
    public Tensor ExpandAs(Tensor other) => ExpandOps.ExpandAs(this, other);
}
