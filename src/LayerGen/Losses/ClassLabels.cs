using System;

namespace LayerGen;

/// <summary>
/// Integer class labels, as PyTorch's <c>cross_entropy</c> takes them (int64 targets: an <c>int[]</c>, or a
/// <see cref="DType.Int64"/> tensor): checked against the number of classes, then handed to the loss kernels
/// as the float class indices they read.
/// </summary>
internal static class ClassLabels
{
    /// <summary>Throws unless every label is a class, i.e. in [0, <paramref name="classes"/>).</summary>
    /// <param name="labels">The labels.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="owner">Who checks, first in the message (e.g. <c>CrossEntropyLoss</c>).</param>
    /// <param name="firstPosition">The position of <paramref name="labels"/>[0] in the caller's whole set of labels.</param>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, classes); the message names it, its position and the class count.</exception>
    public static void Check(ReadOnlySpan<int> labels, int classes, string owner, int firstPosition = 0)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException("labels", labels[i], OutsideMessage(labels[i], firstPosition + i, classes, owner));
            }
        }
    }

    /// <inheritdoc cref="Check(ReadOnlySpan{int}, int, string, int)"/>
    public static void Check(ReadOnlySpan<long> labels, int classes, string owner, int firstPosition = 0)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((ulong)labels[i] >= (ulong)classes)
            {
                throw new ArgumentOutOfRangeException("labels", labels[i], OutsideMessage(labels[i], firstPosition + i, classes, owner));
            }
        }
    }

    /// <summary>
    /// An int64 tensor of class labels as the float class indices the loss kernels read (same shape), after
    /// the checks of <see cref="Call"/>: the loss must take class labels, and each must be in [0, classes).
    /// </summary>
    /// <exception cref="NotSupportedException">The loss takes float targets.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, classes).</exception>
    public static Tensor FloatTarget(ILoss loss, Tensor labels, int classes)
    {
        if (Refusal(loss) is { } refusal)
        {
            throw new NotSupportedException(refusal);
        }

        long[] ids = labels.LongData;
        Check(ids, classes, loss.LossName);
        var target = new float[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            target[i] = ids[i];
        }

        return Tensor.Wrap(target, labels.ShapeArray);
    }

    /// <summary>
    /// Why <paramref name="loss"/> takes no class labels, or null when it takes one per row: the built-in
    /// regression and binary losses take float targets (PyTorch refuses integer targets for them too), and
    /// any other loss must read one target value per row.
    /// </summary>
    public static string? Refusal(ILoss loss) => loss switch
    {
        KernelLoss { TakesClassLabels: false } => $"{loss.LossName} takes float targets, not class labels: pass the targets as a float32 Tensor (ToFloat() converts int64 ones).",
        KernelLoss => null,
        _ when loss.TargetRowLength != 1 => $"{loss.LossName} reads {loss.TargetRowLength} target values per row, not one class label.",
        _ => null,
    };

    /// <summary>
    /// The default <see cref="ILoss.Call(Tensor, ReadOnlySpan{int})"/>: labels of one row each, classes
    /// counted by the loss's <see cref="ILoss.InputRowLength"/>, passed on as float class indices.
    /// </summary>
    public static Tensor Call(ILoss loss, Tensor input, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Refusal(loss) is { } refusal)
        {
            throw new NotSupportedException(refusal);
        }

        Check(labels, loss.InputRowLength, loss.LossName);
        return loss.Call(input, ToTarget(labels));
    }

    /// <summary>The labels as the float class indices [n] the loss kernels read (exact for any class below 2^24).</summary>
    public static Tensor ToTarget(ReadOnlySpan<int> labels)
    {
        var target = new Tensor(labels.Length);
        for (int i = 0; i < labels.Length; i++)
        {
            target.Data[i] = labels[i];
        }

        return target;
    }

    private static string OutsideMessage(long label, int position, int classes, string owner) =>
        $"{owner}: label {label} at position {position} is not a class: labels must be in [0, {classes}) for {classes} classes.";
}
