using System;
using System.ComponentModel;
using LayerGen.Kernels;

namespace LayerGen.Generated;

/// <summary>
/// A whole-model training step the generator emitted into the user's assembly for one composition of constant-size
/// layers (a <see cref="Sequential"/> of <c>Linear(784, 256)</c>, <c>ReLU</c>, <c>Linear(256, 10)</c>, or of the user's own
/// <c>[Layer]</c>s among them, or after an <c>Embedding</c> that takes ids), or for a model that is one constant-size
/// <c>[Layer]</c> of the user's: every layer's
/// forward kernel, the loss, every backward kernel and the optimiser's update in one method, over one workspace, with
/// the layers' kernels called directly (static calls with constant sizes) instead of through each layer's span API.
/// </summary>
/// <remarks>
/// <para>A <see cref="Trainer"/> picks it when one is registered for its model (<see cref="GeneratedTrainingSteps"/>)
/// and runs it in place of the layer-by-layer step; the result is that step's, bit for bit: the same kernels in the
/// same order, the same loss calls, and each parameter updated after the same child's backward as
/// <c>LayerwiseOptimizerSteps</c> does it (any optimiser: the update is the optimiser's own).</para>
/// <para>For generated code; not a stable API.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class GeneratedTrainingStep
{
    private readonly LayerwiseOptimizerSteps _updates;
    private readonly AlignedBuffer _workspace;

    /// <summary>
    /// Takes the model's update plan and a workspace of <paramref name="workspaceLength"/> floats (the step's largest batch).
    /// The model is a <see cref="Sequential"/> (child <c>i</c> of <see cref="AfterChildBackward"/> is its layer <c>i</c>) or
    /// one generated layer (child 0 is the layer itself).
    /// </summary>
    protected GeneratedTrainingStep(ILayer model, ILoss loss, Optimizer optimizer, int workspaceLength)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        Loss = loss;
        Optimizer = optimizer;
        _updates = LayerwiseOptimizerSteps.For(model, optimizer) ?? LayerwiseOptimizerSteps.ForOneLayer(model, optimizer);
        _workspace = new AlignedBuffer(workspaceLength);
    }

    /// <summary>What runs, for <see cref="Trainer.StepName"/>: the model's kernels in order.</summary>
    public abstract string Name { get; }

    /// <summary>The loss, called through its span API between the forward and the backward.</summary>
    protected ILoss Loss { get; }

    /// <summary>The optimiser, whose gradients are zeroed (lazily) at the start of a step.</summary>
    protected Optimizer Optimizer { get; }

    /// <summary>
    /// One step: zero the gradients, forward, loss and its backward, backward with each layer's parameters updated as
    /// the backward is done with them. The trainer has checked the rows and the input's length, and sized
    /// <paramref name="output"/>, <paramref name="outputGrad"/> and <paramref name="lossSaved"/> (the loss checks the target).
    /// </summary>
    public abstract float Step(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> output, Span<float> outputGrad, int lossRows, Span<float> lossSaved);

    /// <summary>
    /// One step with plain SGD folded into the backward (<c>updateInBackward</c>): as <see cref="Step"/>, but the loss
    /// gradient is scaled by <paramref name="lossScale"/> (−lr) and each backward kernel adds its gradients straight into
    /// its parameters, none stored; the trainer has checked that the model allows it and does the rest of the update.
    /// </summary>
    public abstract float StepIntoParameters(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> output, Span<float> outputGrad, int lossRows, Span<float> lossSaved, float lossScale);

    /// <summary>Whether the model takes int64 ids (a <see cref="Sequential"/> whose first layer is an embedding): its trainer calls <see cref="StepOnIds"/>.</summary>
    public virtual bool TakesIds => false;

    /// <summary>
    /// <see cref="Step"/> for a model that takes int64 ids (<see cref="TakesIds"/>): <paramref name="ids"/> are
    /// <paramref name="rows"/> rows of the model's input row length of ids, which its first layer reads.
    /// </summary>
    /// <exception cref="NotSupportedException">The model takes floats (the default).</exception>
    public virtual float StepOnIds(int rows, ReadOnlySpan<long> ids, ReadOnlySpan<float> target, Span<float> output, Span<float> outputGrad, int lossRows, Span<float> lossSaved) =>
        throw new NotSupportedException($"{Name}: the model takes float32 features, not ids.");

    /// <summary>The first <paramref name="length"/> floats of the step's workspace (laid out by the generated step).</summary>
    protected Span<float> Workspace(int length) => _workspace.Span(length);

    /// <summary>Updates the parameters whose last use in the backward was child <paramref name="child"/>'s.</summary>
    protected void AfterChildBackward(int child) => _updates.AfterChildBackward(child);

    /// <summary>Updates the optimiser's parameters that no child holds; the end of a step.</summary>
    protected void FinishUpdates() => _updates.Finish();
}
