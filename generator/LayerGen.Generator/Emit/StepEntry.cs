using LayerGen.Generator.Model;

namespace LayerGen.Generator.Emit;

/// <summary>
/// One constant-size kernel of a user's <c>[Layer]</c> as a generated training step calls it: through the internal entry
/// points the layer's glue emits for it (<c>__StepForward_inUnits64_units8</c>, ...), which run the kernel without the span
/// API's length checks (the step checks the model's input once) and take the parameters' gradients as the span API does.
/// Equatable and free of Roslyn objects: the training-step emitter is cached on it.
/// </summary>
/// <param name="TypeFullName">The layer's type as <c>new Sequential(...)</c> reads it (<c>Chapter.MyLinear</c>).</param>
/// <param name="Sizes">The constant sizes, in the constructor's order of its int parameters.</param>
/// <param name="KernelName">What the layer's <c>KernelName</c> says when it runs this kernel.</param>
/// <param name="Suffix">What the entry points' names end in (<c>_inUnits64_units8</c>; empty for a layer without sizes).</param>
/// <param name="InputRow">Floats of one input row (the layer's <c>InputRowLength</c> for these sizes).</param>
/// <param name="OutputRow">Floats of one output row.</param>
/// <param name="IntoParameters">Whether the layer has the backward into parameters (else its plain backward is that one: it holds no parameters).</param>
internal sealed record StepEntry(
    string TypeFullName,
    EquatableArray<int> Sizes,
    string KernelName,
    string Suffix,
    int InputRow,
    int OutputRow,
    bool IntoParameters)
{
    /// <summary>
    /// Whether the layer or a type it is nested in is generic: a step then names the type a construction made (type
    /// arguments included), so a model of this kernel alone gets a step only where such a construction is seen.
    /// </summary>
    public bool Generic { get; init; }

    /// <summary>
    /// Whether the kernel is the layer's run-time one, its width read at run time and its output as wide as its input
    /// (<see cref="InputRow"/> and <see cref="OutputRow"/> are 0): it is in a step only where a <c>Sequential</c> fixes the
    /// width (the layer before it's), never a model of its own.
    /// </summary>
    public bool RunTimeWidth { get; init; }

    /// <summary>
    /// Whether the layer takes int64 ids (an <c>IIdsLayer</c>): it has no entry points, a step calls its span API first in
    /// a <c>Sequential</c> (<see cref="InputRow"/> is ids per row), and it is never a model of its own.
    /// </summary>
    public bool TakesIds { get; init; }

    /// <summary>The layer's type as generated code names it (a generic one's: a construction's, which this is not).</summary>
    public string TypeName => "global::" + TypeFullName;
}
