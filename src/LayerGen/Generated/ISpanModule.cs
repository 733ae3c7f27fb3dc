using System;
using System.ComponentModel;

namespace LayerGen.Generated;

/// <summary>
/// What <see cref="ModuleRuntime"/> needs of a generated module whose <c>Forward</c> takes several tensors: its span
/// forward and backward with the inputs passed as the tensors, in the order <c>Forward</c> takes them (a float input's
/// <c>Data</c>, an ids input's <c>LongData</c>, reach its span API).
/// A generated layer implements it explicitly over its own span API (<c>ForwardSpan(rows, x, y, output, saved)</c>),
/// whose one span per input cannot be expressed by an interface for any number of inputs.
/// </summary>
/// <remarks>For generated code; not a stable API.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISpanModule : IModule
{
    /// <summary>Floats the forward pass saves for the backward pass, for <paramref name="rows"/> rows.</summary>
    int SavedLength(int rows);

    /// <summary>The span forward, on the <paramref name="inputs"/> in order (their dtypes checked by <see cref="ModuleRuntime"/>).</summary>
    void ForwardPacked(int rows, Tensor[] inputs, Span<float> output, Span<float> saved);

    /// <summary>The span backward; <paramref name="inputGrads"/>[i] is null when input i needs no gradient (an ids input never does).</summary>
    void BackwardPacked(int rows, Tensor[] inputs, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, float[]?[] inputGrads, Span<float> saved);

    /// <summary>Whether input <paramref name="input"/> holds int64 ids (its <c>Forward</c> uses it as indices); false for float inputs.</summary>
    bool InputIsIds(int input) => false;
}
