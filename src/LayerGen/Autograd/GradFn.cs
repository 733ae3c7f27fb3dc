using System;
using System.Collections.Generic;

namespace LayerGen;

/// <summary>
/// One node of the autograd graph: the operation that produced a non-leaf tensor, able to turn the
/// gradient of its output into gradients of its inputs (PyTorch's <c>grad_fn</c>).
/// </summary>
/// <remarks>
/// A node is attached to exactly one output tensor (<see cref="Tensor.SetGradFn"/>); the engine knows
/// the output's size from that tensor. Nodes are run by <see cref="Tensor.Backward(Tensor, bool)"/>,
/// each exactly once per backward pass and only after every consumer of its output has run.
/// <para>Users read nodes (<see cref="Tensor.GradFn"/>, <see cref="Name"/>, <see cref="Inputs"/>); only LayerGen
/// makes them (the constructor is not public): a node can only be attached inside LayerGen, so a node of
/// one's own could never run.</para>
/// </remarks>
public abstract class GradFn
{
    private readonly IReadOnlyList<Tensor> _inputs;

    /// <param name="name">PyTorch's class name for the node, e.g. <c>MulBackward0</c>; it appears in <see cref="Tensor.ToString"/>.</param>
    /// <param name="inputs">The tensors the operation read, in the order <see cref="Backward"/> sees them.</param>
    private protected GradFn(string name, params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputs);
        Name = name;
        _inputs = Array.AsReadOnly((Tensor[])inputs.Clone()); // read-only: the graph's edges must not change
    }

    /// <summary>The node's name as PyTorch prints it in <c>grad_fn=&lt;Name&gt;</c>.</summary>
    public string Name { get; }

    /// <summary>The operation's inputs: the edges the engine follows towards the leaves.</summary>
    public IReadOnlyList<Tensor> Inputs => _inputs;

    /// <summary>
    /// Set once a backward pass without <c>retainGraph</c> has gone through this node, after which
    /// the graph counts as freed (as PyTorch frees saved tensors) and going through it again is an error.
    /// </summary>
    internal bool Released { get; set; }

    /// <summary>
    /// Accumulates (+=, never =) d loss / d input i into <paramref name="inputGrads"/>[i], given
    /// <paramref name="outputGrad"/> = d loss / d output (row-major, the output's shape).
    /// </summary>
    /// <param name="outputGrad">The gradient of the node's output tensor.</param>
    /// <param name="inputGrads">
    /// One entry per input: <c>null</c> when that input needs no gradient (skip the work), else a
    /// buffer of the input's shape. Accumulating, not assigning, keeps fan-out correct: the same
    /// buffer may appear twice (<c>x * x</c>) and a leaf's buffer is its <see cref="Tensor.Grad"/>, which
    /// sums over backward passes until it is zeroed.
    /// </param>
    public abstract void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads);

    /// <inheritdoc/>
    public override string ToString() => $"<{Name}>";
}
