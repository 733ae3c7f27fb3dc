using System;

namespace LayerGen;

/// <summary>
/// A module that takes one tensor of int64 ids and returns one float tensor: an embedding (<see cref="Embedding"/>, or a
/// generated layer whose <c>Forward(Tensor indices)</c> uses its input as indices, <c>weight[indices]</c>). It is what
/// <see cref="Sequential"/> accepts as its first child (<c>new Sequential(new Embedding(100, 16), new Linear(16, 4))</c>),
/// so a whole model that takes token ids is a <see cref="Sequential"/> a <see cref="Trainer"/> can train.
/// </summary>
/// <remarks>
/// The ids-taking counterpart of <see cref="ILayer"/>: the same members with the input as <c>long</c> ids, and no input
/// gradient (ids have none). Generated layers with one ids input and one output implement it.
/// </remarks>
public interface IIdsLayer : IModule
{
    /// <summary>Runs the generated forward kernel on <paramref name="ids"/> (int64; a float tensor is refused).</summary>
    Tensor Call(Tensor ids);

    /// <summary>Runs the forward definition as written, on the eager reference ops (see <see cref="ILayer.CallEager"/>).</summary>
    Tensor CallEager(Tensor ids);

    /// <summary>Ids per input row: the product of the input's trailing (feature) dimensions; 1 for an embedding of any shape of ids.</summary>
    int InputRowLength { get; }

    /// <summary>Floats per output row.</summary>
    int OutputRowLength { get; }

    /// <summary>Floats the forward pass saves for the backward pass, for <paramref name="rows"/> rows.</summary>
    int SavedLength(int rows);

    /// <summary>Forward over caller-owned buffers (see <see cref="ILayer.ForwardSpan"/>), the input as ids.</summary>
    void ForwardSpan(int rows, ReadOnlySpan<long> input, Span<float> output, Span<float> saved);

    /// <summary>
    /// Backward over caller-owned buffers, after a <see cref="ForwardSpan"/> with the same ids, output and saved buffers:
    /// accumulates (+=) into every parameter's <see cref="Tensor.Grad"/> (ids have no gradient).
    /// </summary>
    void BackwardSpan(int rows, ReadOnlySpan<long> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> saved);
}
