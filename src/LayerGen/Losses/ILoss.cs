using System;

namespace LayerGen;

/// <summary>
/// A loss: a scalar from a batch of predictions and targets, with its generated backward.
/// </summary>
/// <remarks>
/// As with <see cref="ILayer"/>, two ways to run it: <see cref="Call(Tensor, Tensor)"/> on tensors (records a node for
/// <see cref="Tensor.Backward()"/>), or the span API over caller-owned buffers, which allocates nothing; and a
/// third for checking those two, <see cref="CallEager(Tensor, Tensor)"/>.
/// Targets are floats: values for regression losses, class indices (0, 1, 2, …) for cross-entropy; a
/// classification loss also takes the class labels as integers (<see cref="Call(Tensor, ReadOnlySpan{int})"/>),
/// as PyTorch's <c>cross_entropy</c> takes int64 targets.
/// </remarks>
public interface ILoss
{
    /// <summary>The loss's name as PyTorch prints it (e.g. <c>MseLoss</c>).</summary>
    string LossName { get; }

    /// <summary>Which generated kernel runs.</summary>
    string KernelName { get; }

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/>, a scalar tensor.</summary>
    Tensor Call(Tensor input, Tensor target);

    /// <summary>
    /// The loss's definition as written, on the eager reference ops (<see cref="Ops"/>, one op at a time,
    /// each recording its own autograd node): slow and allocating, meant for tests and differential checks
    /// of <see cref="Call(Tensor, Tensor)"/> and the span API, as <see cref="ILayer.CallEager"/> is for a layer.
    /// </summary>
    /// <remarks>
    /// Generated losses run their <c>Forward</c>; the built-in losses (<see cref="MseLoss"/>, ...) run their
    /// generated kernel's. No default implementation, for the reason <see cref="ILayer.CallEager"/> gives:
    /// falling back to <see cref="Call(Tensor, Tensor)"/> would make a differential test compare a path with itself.
    /// </remarks>
    Tensor CallEager(Tensor input, Tensor target);

    /// <summary>
    /// The loss of <paramref name="input"/> [*, classes] against integer class labels, one per row, each
    /// in [0, classes): what <see cref="Call(Tensor, Tensor)"/> computes with the labels as float class
    /// indices, bit for bit. An <c>int[]</c> converts to the span.
    /// </summary>
    /// <remarks>
    /// The default implementation serves any loss that reads one class index per row
    /// (<see cref="TargetRowLength"/> 1), e.g. a <c>[Loss]</c> class that picks with its target: it checks
    /// the labels against <see cref="InputRowLength"/> classes and calls <see cref="Call(Tensor, Tensor)"/>.
    /// <see cref="CrossEntropyLoss"/> counts the classes on the input's last axis; the built-in losses with
    /// float targets (<see cref="MseLoss"/>, <see cref="BceWithLogitsLoss"/>, <see cref="HuberLoss"/>) refuse
    /// labels, as PyTorch refuses integer targets for them.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, classes): the message names the label, its position and the class count.</exception>
    /// <exception cref="NotSupportedException">The loss takes float targets, not class labels.</exception>
    Tensor Call(Tensor input, ReadOnlySpan<int> labels) => ClassLabels.Call(this, input, labels);

    /// <summary>Floats per input row (1 for an element-wise loss).</summary>
    int InputRowLength { get; }

    /// <summary>Floats of target per input row.</summary>
    int TargetRowLength { get; }

    /// <summary>Workspace the forward keeps for the backward, for <paramref name="rows"/> rows.</summary>
    int SavedLength(int rows);

    /// <summary>The loss over caller-owned buffers.</summary>
    float ForwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> saved);

    /// <summary>Accumulates (+=) d(outputGrad · loss)/d(input) into <paramref name="inputGrad"/>, after <see cref="ForwardSpan"/>.</summary>
    void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, float outputGrad, Span<float> inputGrad, Span<float> saved);
}
