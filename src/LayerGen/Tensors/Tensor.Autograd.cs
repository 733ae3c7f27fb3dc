using System;

namespace LayerGen;

// Autograd state, with PyTorch's rules: a tensor is a leaf unless an operation produced it while
// recording (then it has a GradFn); only leaves keep a .Grad, and only leaves may change RequiresGrad.
public sealed partial class Tensor
{
    private Tensor? _grad;

    // ZeroGrad only marks the gradient stale: its contents then count as zeros, and the buffer is cleared
    // by the first reader (Grad, EnsureGrad) — or not at all when a generated kernel overwrites it whole
    // (TakeGradForKernel), which saves a pass over every parameter per training step.
    private bool _gradStale;
    private bool _requiresGrad;
    private GradFn? _gradFn;

    /// <summary>
    /// The accumulated gradient of a leaf, same shape as the tensor; null until a backward pass
    /// reaches it. Backward passes add to it until it is zeroed.
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            ClearIfStale();
            return _grad;
        }

        set
        {
            if (value is not null && !value.Shape.SequenceEqual(Shape))
            {
                throw new ArgumentException(
                    $"assigned grad has shape {FormatShape(value.Shape)} but the tensor has shape {FormatShape(Shape)}",
                    nameof(value));
            }

            _grad = value;
            _gradStale = false;
        }
    }

    /// <summary>
    /// Whether operations on this tensor are recorded for <see cref="Backward()"/>. Always true for a
    /// non-leaf; settable only on a leaf (as in PyTorch; use <see cref="Detach"/> to cut a non-leaf off).
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad || _gradFn is not null;
        set
        {
            if (_gradFn is not null)
            {
                throw new InvalidOperationException(
                    "you can only change requires_grad flags of leaf variables." +
                    (value ? "" : " If you want to use a computed variable in a subgraph that doesn't require differentiation use varNoGrad = var.Detach()."));
            }

            if (value && _longData is not null)
            {
                throw new InvalidOperationException(
                    "only Tensors of floating point dtype can require gradients, and this one has dtype int64 (ids or class labels): " +
                    "the gradient goes to the float tensor they index.");
            }

            _requiresGrad = value;
        }
    }

    /// <summary>True for a layer's trainable parameter (see <see cref="AsParameter"/>); it prints as PyTorch prints a <c>Parameter</c>.</summary>
    public bool IsParameter { get; private set; }

    /// <summary>The node that produced this tensor, or null for a leaf.</summary>
    public GradFn? GradFn => _gradFn;

    /// <summary>True when no recorded operation produced this tensor (so gradients accumulate in <see cref="Grad"/>).</summary>
    public bool IsLeaf => _gradFn is null;

    /// <summary>Marks this leaf as a trainable parameter: sets <see cref="IsParameter"/> and <see cref="RequiresGrad"/>.</summary>
    /// <returns>This tensor, so that a field initialiser can read <c>Tensor.Randn(3, 4).AsParameter()</c>.</returns>
    public Tensor AsParameter()
    {
        RequiresGrad = true; // throws for a non-leaf, as nn.Parameter of a non-leaf would be meaningless
        IsParameter = true;
        return this;
    }

    /// <summary>Returns <see cref="Grad"/>, first allocating it as zeros of this shape if it is null.</summary>
    internal Tensor EnsureGrad()
    {
        ClearIfStale();
        return _grad ??= new Tensor(ShapeArray);
    }

    /// <summary>
    /// For generated backward kernels (through <see cref="Generated.ParameterGradients.Take"/>): the gradient
    /// buffer (allocated if needed) and whether its contents count as zeros (<paramref name="overwrite"/>:
    /// after <see cref="ZeroGrad"/>, or new). When true the buffer is NOT cleared: the kernel must write every
    /// element before adding to it (a GEMM without accumulation, or a clear). Either way the gradient is
    /// current afterwards.
    /// </summary>
    internal Tensor TakeGradForKernel(out bool overwrite)
    {
        if (_grad is null)
        {
            _grad = new Tensor(ShapeArray);
            overwrite = true;
            return _grad;
        }

        overwrite = _gradStale;
        _gradStale = false;
        return _grad;
    }

    /// <summary>
    /// Zeroes <see cref="Grad"/> (keeping the buffer, so a training loop allocates nothing); no-op when it is
    /// null. The buffer is cleared lazily: by the next reader, or overwritten whole by the next generated
    /// backward kernel, so that zeroing costs nothing per element.
    /// </summary>
    public void ZeroGrad()
    {
        if (_grad is not null)
        {
            _gradStale = true;
        }
    }

    private void ClearIfStale()
    {
        if (_gradStale)
        {
            _gradStale = false;
            ElementwiseUpdate.Clear(_grad!._data);
        }
    }

    /// <summary>
    /// Records <paramref name="fn"/> as the operation that produced this tensor, making it a non-leaf
    /// that requires grad. Called by operations (eager and generated) right after computing their output.
    /// </summary>
    internal void SetGradFn(GradFn fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        _gradFn = fn;
        _grad = null; // only leaves keep a gradient
        _gradStale = false;
    }

    /// <summary>Back-propagates from a one-element tensor (the loss): d self / d self = 1.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more than one element, or does not require grad.</exception>
    public void Backward()
    {
        if (Count != 1)
        {
            throw new InvalidOperationException("grad can be implicitly created only for scalar outputs");
        }

        BackwardEngine.Run(this, Ones(ShapeArray), retainGraph: false);
    }

    /// <summary>
    /// Back-propagates <paramref name="gradient"/> (d loss / d self, same shape as this tensor),
    /// accumulating into the <see cref="Grad"/> of every leaf that requires grad.
    /// </summary>
    /// <param name="gradient">The upstream gradient.</param>
    /// <param name="retainGraph">
    /// Keep the graph usable for another backward pass. Without it, a second pass through any node of
    /// this graph throws <see cref="InvalidOperationException"/>, as in PyTorch.
    /// </param>
    public void Backward(Tensor gradient, bool retainGraph = false) => BackwardEngine.Run(this, gradient, retainGraph);

    /// <summary>A leaf sharing this tensor's storage but cut off from the graph (requires no grad).</summary>
    public Tensor Detach() => _longData is null ? new(_data, _shape) : new(_longData, _shape);
}
