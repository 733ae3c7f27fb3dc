using System;

namespace LayerGen;

/// <summary>
/// A built-in loss: forwards to the generated loss kernel (a [Loss] class) that fits the reduction
/// and, for cross-entropy, the number of classes.
/// </summary>
public abstract class KernelLoss : ILoss
{
    private protected KernelLoss(string name, Reduction reduction)
    {
        LossName = name;
        Reduction = reduction;
    }

    public string LossName { get; }

    /// <summary>Mean or sum over the batch.</summary>
    public Reduction Reduction { get; }

    public string KernelName => Bound.KernelName;

    public virtual int InputRowLength => Bound.InputRowLength;

    public virtual int TargetRowLength => Bound.TargetRowLength;

    public virtual Tensor Call(Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (target is { DType: DType.Int64 })
        {
            target = ClassLabels.FloatTarget(this, target, input.Rank == 0 ? 1 : input.Size(-1)); // int64 class labels, as PyTorch's long targets
        }

        return KernelFor(input.Count, input.Rank == 0 ? 1 : input.Size(-1)).Call(input, target);
    }

    /// <inheritdoc cref="ILoss.CallEager(Tensor, Tensor)"/>
    public virtual Tensor CallEager(Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        return KernelFor(input.Count, input.Rank == 0 ? 1 : input.Size(-1)).CallEager(input, target);
    }

    /// <inheritdoc cref="ILoss.Call(Tensor, ReadOnlySpan{int})"/>
    public Tensor Call(Tensor input, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (ClassLabels.Refusal(this) is { } refusal)
        {
            throw new NotSupportedException(refusal);
        }

        ClassLabels.Check(labels, input.Rank == 0 ? 1 : input.Size(-1), LossName); // the classes are the input's last axis
        return Call(input, ClassLabels.ToTarget(labels));
    }

    public virtual int SavedLength(int rows) => Bound.SavedLength(rows);

    public virtual float ForwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> saved) =>
        KernelFor(input.Length, rows == 0 ? 1 : input.Length / rows).ForwardSpan(rows, input, target, saved);

    public virtual void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, float outputGrad, Span<float> inputGrad, Span<float> saved) =>
        KernelFor(input.Length, rows == 0 ? 1 : input.Length / rows).BackwardSpan(rows, input, target, outputGrad, inputGrad, saved);

    /// <summary>Whether the targets are class indices, so that integer labels are accepted (cross-entropy); false for float targets.</summary>
    internal virtual bool TakesClassLabels => false;

    /// <summary>The kernel for the sizes known so far (for cross-entropy: once the number of classes is).</summary>
    private protected virtual ILoss Bound => Kernel(1);

    /// <summary>The kernel for inputs whose last axis is <paramref name="lastAxis"/> long.</summary>
    private protected abstract ILoss Kernel(int lastAxis);

    private ILoss KernelFor(int count, int lastAxis) => Kernel(count == 0 ? 1 : lastAxis);
}
