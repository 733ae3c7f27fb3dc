namespace LayerGen;

/// <summary>
/// An optional interface of a generated layer or loss whose input features no parameter or declaration fixes
/// (<c>Tensor Forward(Tensor x) =&gt; Ops.Softmax(x, -1);</c>, D2L's cross-entropy written as a loss): its input's
/// last dimension is a size of its own, read from the input by each tensor call. The span API cannot see an input's
/// shape, so it is told the row length here: <see cref="Sequential"/> sets it from the layer before, and
/// <see cref="Trainer"/> sets a loss's from the model's output.
/// </summary>
public interface IRunTimeRowLength
{
    /// <summary>Floats per row of the input (its last dimension); 0 until a tensor call or a setter has told it.</summary>
    int InputRowLength { get; set; }
}
