using System;
using System.Collections.Generic;

namespace LayerGen;

/// <summary>
/// The contract between generated layers and everything else (Sequential, optimisers, serialisation).
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
/// a time), and changing the parameters or the mode (<see cref="Train"/>) while other threads run inference
/// gives them a mix of old and new.</para>
/// </remarks>
public interface ILayer
{
    /// <summary>The layer's type name, as PyTorch prints a module (e.g. <c>MyLinear</c>).</summary>
    string LayerName { get; }

    /// <summary>Which generated kernel this instance runs, e.g. <c>MyLinear[inUnits=64, units=8]</c> or <c>MyLinear[runtime sizes]</c>.</summary>
    string KernelName { get; }

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

    /// <summary>This layer's own parameters, in declaration order (not its children's).</summary>
    IEnumerable<KeyValuePair<string, Tensor>> LocalParameters();

    /// <summary>Direct children, in order, with their PyTorch names (<c>"0"</c>, <c>"encoder"</c>).</summary>
    IEnumerable<KeyValuePair<string, ILayer>> NamedChildren();

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

    /// <summary>
    /// Whether the layer is in training mode (PyTorch's <c>module.training</c>): it decides, for instance,
    /// whether <see cref="Ops.Dropout"/> drops. True by default; a layer with no mode-dependent op may
    /// keep this default implementation.
    /// </summary>
    bool Training => true;

    /// <summary>
    /// Sets training mode (<paramref name="mode"/> true) or evaluation mode (false) on this layer and its
    /// children, as PyTorch's <c>module.train(mode)</c>; <see cref="LayerModeExtensions.Eval{T}"/> is
    /// <c>Train(false)</c>. The default implementation does nothing (for a layer with no mode).
    /// </summary>
    void Train(bool mode = true)
    {
    }

    /// <summary>
    /// Zeroes every parameter's gradient in place (this layer's and its children's), keeping the buffers
    /// so a training loop allocates nothing. Generated layers and <see cref="Sequential"/> implement it
    /// without allocating; the default walks <see cref="LocalParameters"/> and <see cref="NamedChildren"/>.
    /// </summary>
    void ZeroGrad() => LayerExtensions.ZeroGradByEnumeration(this);
}
