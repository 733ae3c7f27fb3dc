namespace LayerGen;

/// <summary>
/// Cross-entropy from logits [*, classes] and class labels [*], as <c>torch.nn.CrossEntropyLoss</c>:
/// log-softmax and negative log-likelihood fused, stable for logits of any size. The number of classes
/// is read from the input's last axis. The labels are integers (<c>loss.Call(logits, labels)</c> with an
/// <c>int[]</c> or span, or an int64 <see cref="Tensor"/> such as <c>Tensor.FromIds(2, 0, 1)</c>, as PyTorch takes
/// long targets) or whole numbers stored as floats (a float32 <see cref="Tensor"/>, and the span API); either way
/// a label outside [0, classes) is an <see cref="System.ArgumentOutOfRangeException"/>.
/// </summary>
/// <remarks>
/// The span API needs the number of classes before the first call (for <see cref="ILoss.SavedLength"/>):
/// construct with <c>new CrossEntropyLoss(classes)</c>, or make one tensor <see cref="ILoss.Call(Tensor, Tensor)"/> first.
/// </remarks>
public sealed class CrossEntropyLoss : KernelLoss
{
    private ILoss? _kernel;
    private int _classes;

    public CrossEntropyLoss(Reduction reduction = Reduction.Mean)
        : base("CrossEntropyLoss", reduction)
    {
    }

    public CrossEntropyLoss(int classes, Reduction reduction = Reduction.Mean)
        : base("CrossEntropyLoss", reduction)
    {
        if (classes <= 0)
        {
            throw new System.ArgumentOutOfRangeException(nameof(classes), classes, "CrossEntropyLoss needs at least one class.");
        }

        Kernel(classes);
    }

    internal override bool TakesClassLabels => true;

    private protected override ILoss Bound => _kernel ?? throw new System.InvalidOperationException(
        "CrossEntropyLoss does not know its number of classes yet: construct it with new CrossEntropyLoss(classes), or make one Call first.");

    /// <summary>The kernel for the last class count seen (a new count builds a new kernel once).</summary>
    private protected override ILoss Kernel(int lastAxis)
    {
        if (_kernel is null || _classes != lastAxis)
        {
            _kernel = Reduction == Reduction.Mean ? new Losses.CrossEntropyMeanKernel(lastAxis) : new Losses.CrossEntropySumKernel(lastAxis);
            _classes = lastAxis;
        }

        return _kernel;
    }
}
