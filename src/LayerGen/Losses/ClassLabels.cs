using System;

namespace LayerGen;

/// <summary>
/// Integer class labels, as PyTorch's <c>cross_entropy</c> takes them (int64 targets): checked against
/// the number of classes, then handed to the loss kernels as the class indices they read.
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
                throw Outside(labels[i], firstPosition + i, classes, owner);
            }
        }
    }

    /// <summary>
    /// Why <paramref name="loss"/> takes no class labels, or null when it takes one per row: the built-in
    /// regression and binary losses take float targets (PyTorch refuses integer targets for them too), and
    /// any other loss must read one target value per row.
    /// </summary>
    public static string? Refusal(ILoss loss) => loss switch
    {
        KernelLoss { TakesClassLabels: false } => $"{loss.LossName} takes float targets, not class labels: pass the targets as a Tensor.",
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

    private static ArgumentOutOfRangeException Outside(int label, int position, int classes, string owner) =>
        new("labels", label, $"{owner}: label {label} at position {position} is not a class: labels must be in [0, {classes}) for {classes} classes.");
}
