namespace LayerGen;

/// <summary>
/// A tensor's element type, as PyTorch's <c>torch.dtype</c>: one <see cref="Tensor"/> class, two dtypes.
/// </summary>
/// <remarks>
/// float32 is every value, weight and gradient; int64 holds token ids and class labels, which select
/// from a float tensor (<c>weight[ids]</c>, <see cref="Ops.Embedding"/>, <see cref="Tensor.Gather"/>) or name the
/// classes of a loss's targets. There is no type promotion between them: an arithmetic op on an int64
/// tensor throws, and <see cref="Tensor.ToFloat"/> converts (PyTorch's <c>.float()</c>).
/// </remarks>
public enum DType
{
    /// <summary>32-bit IEEE floats (<c>torch.float32</c>), the default.</summary>
    Float32,

    /// <summary>64-bit signed integers (<c>torch.int64</c>, <c>torch.long</c>): ids and class labels. Never requires grad.</summary>
    Int64,
}
