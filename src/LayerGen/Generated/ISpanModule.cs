using System;
using System.ComponentModel;

namespace LayerGen.Generated;

/// <summary>
/// What <see cref="ModuleRuntime"/> needs of a generated module whose <c>Forward</c> takes several tensors: its span
/// forward and backward with the inputs passed as the tensors' arrays, in the order <c>Forward</c> takes them.
/// A generated layer implements it explicitly over its own span API (<c>ForwardSpan(rows, x, y, output, saved)</c>),
/// whose one span per input cannot be expressed by an interface for any number of inputs.
/// </summary>
/// <remarks>For generated code; not a stable API.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISpanModule : IModule
{
    /// <summary>Floats the forward pass saves for the backward pass, for <paramref name="rows"/> rows.</summary>
    int SavedLength(int rows);

    /// <summary>The span forward, with <paramref name="inputs"/> one array per input.</summary>
    void ForwardPacked(int rows, float[][] inputs, Span<float> output, Span<float> saved);

    /// <summary>The span backward; <paramref name="inputGrads"/>[i] is null when input i needs no gradient.</summary>
    void BackwardPacked(int rows, float[][] inputs, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, float[]?[] inputGrads, Span<float> saved);
}
