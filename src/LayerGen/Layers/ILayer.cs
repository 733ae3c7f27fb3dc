using System;
using System.Collections.Generic;

namespace LayerGen;

/// <summary>
/// A module that takes one tensor and returns one: the contract <see cref="Sequential"/>, <see cref="Trainer"/>
/// and parent layers chain. What every module has (parameters, children, mode) is <see cref="IModule"/>.
/// </summary>
/// <remarks>
/// Two ways to run a layer:
/// <list type="bullet">
/// <item><see cref="Call"/>: tensor in, tensor out; records a node for <see cref="Tensor.Backward()"/>
/// when gradients are enabled. Allocates its output.</item>
/// <item>The span API (<see cref="ForwardSpan"/>, <see cref="BackwardSpan"/>): the caller owns every
/// buffer, nothing is allocated. A layer sees its input as <c>rows</c> rows of
/// <see cref="InputRowLength"/> floats (all leading dimensions flattened into rows).</item>
/// </list>
/// And a third, for checking those two: <see cref="CallEager"/>, the forward definition as written on the
/// eager reference ops.
/// <para><b>Threads.</b> Inference on one instance from several threads at once is safe and part of the
/// contract: <see cref="Call"/>, <see cref="CallEager"/>, <see cref="SavedLength"/> and
/// <see cref="ForwardSpan"/> keep nothing of a call in the layer, so concurrent calls with any batch
/// sizes need only their own buffers (input, output, saved). Generated layers and <see cref="Sequential"/>
/// keep it, and a hand-written layer must too. The backward and training are not concurrent:
/// <see cref="BackwardSpan"/> accumulates into the parameters' shared gradients (one backward per model at
/// a time), and changing the parameters or the mode (<see cref="IModule.Train"/>) while other threads run inference
/// gives them a mix of old and new.</para>
/// </remarks>
public interface ILayer : IModule
{
    /// <summary>Runs the generated forward kernel on <paramref name="input"/>.</summary>
    Tensor Call(Tensor input);

    /// <summary>
    /// Runs the forward definition as written, on the eager reference ops (<see cref="Ops"/>, one op at a
    /// time, each recording its own autograd node): slow and allocating, meant for tests and differential
    /// checks of <see cref="Call"/> and the span API, e.g. a whole model's generated path against its eager
    /// one through this interface alone.
    /// </summary>
    /// <remarks>
    /// Generated layers run their <c>Forward</c>; <see cref="Sequential"/> chains its children's
    /// <see cref="CallEager"/>. There is deliberately no default implementation: falling back to
    /// <see cref="Call"/> would hide a missing eager path and make a differential test compare a path with
    /// itself. A hand-written layer returns its own plain computation on the eager ops, or, if it has none,
    /// its <see cref="Call"/>, saying so.
    /// </remarks>
    Tensor CallEager(Tensor input);

    /// <summary>Floats per input row: the product of the input's trailing (feature) dimensions; 1 for a shape-agnostic layer.</summary>
    int InputRowLength { get; }

    /// <summary>Floats per output row.</summary>
    int OutputRowLength { get; }

    /// <summary>Floats the forward pass saves for the backward pass, for <paramref name="rows"/> rows.</summary>
    int SavedLength(int rows);

    /// <summary>Forward over caller-owned buffers. <paramref name="saved"/> (length <see cref="SavedLength"/>) keeps what backward needs.</summary>
    void ForwardSpan(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved);

    /// <summary>
    /// Backward over caller-owned buffers, after a <see cref="ForwardSpan"/> with the same input, output and saved buffers.
    /// Accumulates (+=) into <paramref name="inputGrad"/> (skipped when empty) and into every parameter's <see cref="Tensor.Grad"/>.
    /// </summary>
    void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved);
}
