using System;

namespace LayerGen;

/// <summary>
/// A loss: a scalar from a batch of predictions and targets, with its generated backward.
/// </summary>
/// <remarks>
/// As with <see cref="ILayer"/>, two ways to run it: <see cref="Call"/> on tensors (records a node for
/// <see cref="Tensor.Backward()"/>), or the span API over caller-owned buffers, which allocates nothing.
/// Targets are floats: values for regression losses, class indices (0, 1, 2, …) for cross-entropy.
/// </remarks>
public interface ILoss
{
    /// <summary>The loss's name as PyTorch prints it (e.g. <c>MseLoss</c>).</summary>
    string LossName { get; }

    /// <summary>Which generated kernel runs.</summary>
    string KernelName { get; }

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/>, a scalar tensor.</summary>
    Tensor Call(Tensor input, Tensor target);

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
