using System;
using LayerGen.Generated;
using LayerGen.Kernels;

namespace LayerGen;

/// <summary>
/// One training step as a single call, over buffers sized once: forward, loss, backward, optimiser
/// step. After the first step of a batch size, a step allocates nothing.
/// </summary>
/// <remarks>
/// The loop stays as short as PyTorch's; this only owns the buffers the span API needs:
/// <code>
/// var trainer = new Trainer(model, new CrossEntropyLoss(10), new Adam(model.Parameters(), 1e-3), maxRows: 64);
/// foreach (var batch in batches) loss = trainer.Step(batch.Features, batch.Labels);
/// </code>
/// <para>The model's and the loss's sizes are read once, not on every step: the row lengths when the
/// trainer is built (its buffers are sized from them), the saved lengths when the batch size differs
/// from the previous step's (asking a <see cref="Sequential"/> for them walks all its children). A model
/// whose sizes change afterwards (a child layer swapped for one of another size) needs a new Trainer.</para>
/// <para>For a <see cref="Sequential"/> model the optimiser's update runs layer by layer inside the backward
/// pass, each layer's parameters as soon as no later part of the pass reads them (see
/// <c>LayerwiseOptimizerSteps</c>): the same result as <see cref="Optimizer.Step()"/> after the backward,
/// without a last pass over every parameter. The parameters each layer holds are read here, once.</para>
/// <para>With <c>updateInBackward: true</c> and plain <see cref="Sgd"/>, the update goes further: the
/// loss gradient is scaled by −lr and each layer adds its gradients straight into its parameters
/// (<see cref="IBackwardIntoParameters.BackwardSpanIntoParameters"/>), so no gradient is stored. The same SGD step up to
/// rounding; the parameters' <see cref="Tensor.Grad"/> then read as zeros. See <see cref="UpdatesInBackward"/>.</para>
/// <para>Not thread-safe, <see cref="Predict"/> included: it reuses its buffers. For inference from several
/// threads, call the model's <see cref="ILayer.ForwardSpan"/> with buffers of each thread's own (or
/// <see cref="ILayer.Call"/>), which is safe.</para>
/// </remarks>
public sealed class Trainer
{
    // The kernels' workspaces start on a cache line (AlignedBuffer): a vector loop over them does not straddle lines.
    private readonly AlignedBuffer _output;
    private readonly AlignedBuffer _outputGrad;
    private readonly AlignedBuffer _saved;
    private readonly AlignedBuffer _lossSaved;
    private readonly float[] _labels;
    private readonly int _inputRowLength;
    private readonly int _outputRowLength;
    private readonly int _lossInputRowLength;
    private readonly LayerwiseOptimizerSteps? _layerwise; // a Sequential model's updates, run during its backward
    private readonly UpdateInBackward? _inBackward;       // plain SGD folded into the backward, when asked for
    private readonly string? _labelRefusal;               // why the loss takes no integer class labels (null: it does)
    private readonly Sequential? _idsModel;               // the model when it takes int64 ids (its first child is an embedding)
    private readonly GeneratedTrainingStep? _generated;   // the model's whole-model step, when the generator emitted one
    private bool _runsGenerated;                          // whether Step runs it (UsesGeneratedStep)

    // The sizes of the last batch size seen (0: none yet).
    private int _plannedRows;
    private int _savedLength;
    private int _lossRows;
    private int _lossSavedLength;

    /// <summary>Sizes the buffers for batches of up to <paramref name="maxRows"/> rows.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="loss">The loss of its output against the targets.</param>
    /// <param name="optimizer">What updates the parameters.</param>
    /// <param name="maxRows">The largest batch.</param>
    /// <param name="updateInBackward">
    /// Fold plain SGD into the backward pass (no gradient stored, no separate update pass; see
    /// <see cref="UpdatesInBackward"/>). Needs <see cref="Sgd"/> without momentum or weight decay, every
    /// model parameter that requires grad in the optimiser, and a model whose
    /// <see cref="IBackwardIntoParameters.CanBackwardIntoParameters"/> is true. Frozen parameters (<see cref="Tensor.RequiresGrad"/>
    /// false) are left alone by every kind of step, and a change of the flag takes effect on the next step.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="updateInBackward"/> is true and one of its conditions fails (the message says which).</exception>
    public Trainer(ILayer model, ILoss loss, Optimizer optimizer, int maxRows, bool updateInBackward = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        if (updateInBackward && model is Sequential { TakesIds: true })
        {
            throw new ArgumentException("Trainer cannot update in the backward: the model takes ids (its first layer is an embedding).", nameof(updateInBackward));
        }

        if (updateInBackward)
        {
            _inBackward = UpdateInBackward.For(model, optimizer, out string? refusal);
            if (refusal is not null)
            {
                throw new ArgumentException($"Trainer cannot update in the backward: {refusal}.", nameof(updateInBackward));
            }
        }

        Model = model;
        _idsModel = model is Sequential { TakesIds: true } ids ? ids : null;
        Loss = loss;
        Optimizer = optimizer;
        MaxRows = maxRows;
        _inputRowLength = model.InputRowLength;
        _outputRowLength = model.OutputRowLength;
        if (_inputRowLength == 0)
        {
            throw new ArgumentException(
                $"Trainer: the model '{model.LayerName}' does not know its input's row length yet (its first layer reads its features from its input); "
                + "set that layer's InputRowLength to the number of input features first.",
                nameof(model));
        }

        if (loss is IRunTimeRowLength open && open.InputRowLength == 0)
        {
            // A generated loss whose classes nothing fixes reads them from its input at each tensor call; the span API
            // the trainer runs is told them here: the model's output row.
            open.InputRowLength = _outputRowLength;
        }

        _lossInputRowLength = loss.InputRowLength;
        if (_lossInputRowLength == 0)
        {
            throw new ArgumentException(
                $"Trainer: the loss '{loss.LossName}' does not know its input's row length yet (its classes are read from the input at each call); "
                + $"set its InputRowLength to the model's output row length ({model.OutputRowLength}) first.",
                nameof(loss));
        }

        _output = new AlignedBuffer(maxRows * _outputRowLength);
        _outputGrad = new AlignedBuffer(_output.Length);
        _saved = new AlignedBuffer(model.SavedLength(maxRows));
        _lossSaved = new AlignedBuffer(loss.SavedLength(LossRows(maxRows)));
        _labels = new float[maxRows];
        _labelRefusal = ClassLabels.Refusal(loss);
        _layerwise = _inBackward is null ? LayerwiseOptimizerSteps.For(model, optimizer) : null;
        _generated = GeneratedTrainingSteps.For(model, loss, optimizer, maxRows);
        _runsGenerated = _generated is not null;
    }

    public ILayer Model { get; }

    public ILoss Loss { get; }

    public Optimizer Optimizer { get; }

    /// <summary>The largest batch the buffers hold.</summary>
    public int MaxRows { get; }

    /// <summary>
    /// Whether a step folds the SGD update into the backward pass (asked for with <c>updateInBackward</c>):
    /// the loss gradient scaled by −lr, each gradient added straight into its parameter, none stored.
    /// </summary>
    public bool UpdatesInBackward => _inBackward is not null;

    /// <summary>
    /// Which step runs, as <c>KernelName</c> says which kernel: <c>generated step: Linear[...] → ReLU → ...</c>
    /// when the generator emitted one step method for this model (see <see cref="UsesGeneratedStep"/>), else
    /// <c>layer by layer</c> (the model's span API, the updates run inside its backward); followed by
    /// <c>, update in backward</c> when SGD is folded into the backward (<see cref="UpdatesInBackward"/>).
    /// </summary>
    public string StepName =>
        (_runsGenerated ? _generated!.Name : "layer by layer") + (_inBackward is not null ? ", update in backward" : string.Empty);

    /// <summary>
    /// Whether a step runs the generated whole-model step: one method, emitted by the generator for a
    /// <see cref="Sequential"/> of constant-size layers it saw constructed (built-ins and the user's own <c>[Layer]</c>s, nested
    /// and generic ones too, after an <see cref="Embedding"/> that takes ids or not), or for
    /// a model that is one of the user's layers constructed with constant sizes, that runs every layer's forward kernel, the
    /// loss, every backward kernel and the optimiser's updates without going through each layer's span API (the same
    /// result, bit for bit). True by default when there is one; set false to step layer by layer (for comparison).
    /// </summary>
    /// <exception cref="InvalidOperationException">Set to true when there is no generated step for this model.</exception>
    public bool UsesGeneratedStep
    {
        get => _runsGenerated;
        set
        {
            if (value && _generated is null)
            {
                throw new InvalidOperationException(
                    "Trainer: no generated step for this model; the generator emits one for a Sequential of constant-size layers (built-ins and your own [Layer]s) constructed in your code, and for a model that is one of your [Layer]s constructed with constant sizes.");
            }

            _runsGenerated = value;
        }
    }

    /// <summary>
    /// One step on a batch of features [rows, in] and integer class labels (classification), one per row,
    /// each in [0, classes) for the loss's classes (<see cref="ILoss.InputRowLength"/>). Everything is
    /// checked before anything runs: a bad batch leaves the model and the optimiser as they were.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A label is outside [0, classes) (the message names the label, its position and the class count), or
    /// there are no labels or more than <see cref="MaxRows"/>.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="features"/> does not hold one row per label.</exception>
    /// <exception cref="NotSupportedException">The loss takes float targets (e.g. <see cref="MseLoss"/>), not class labels.</exception>
    public float Step(Tensor features, ReadOnlySpan<int> labels)
    {
        int rows = CheckLabelBatch(features, labels.Length);
        ClassLabels.Check(labels, _lossInputRowLength, Loss.LossName);
        for (int i = 0; i < rows; i++)
        {
            _labels[i] = labels[i];
        }

        return StepOn(features, _labels.AsSpan(0, rows), rows);
    }

    /// <summary>
    /// One step on a batch of features and float targets (regression), or, when <paramref name="targets"/> is
    /// int64, class labels (one per row, as <see cref="Step(Tensor, ReadOnlySpan{int})"/> takes them).
    /// For a model that takes ids (a <see cref="Sequential"/> whose first layer is an <see cref="IIdsLayer"/>),
    /// <paramref name="features"/> are int64 ids, a row being one sample's (<see cref="Sequential.InputRowLength"/>).
    /// </summary>
    public float Step(Tensor features, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.DType == DType.Int64)
        {
            ReadOnlySpan<long> labels = targets.LongData;
            int rows = CheckLabelBatch(features, labels.Length);
            ClassLabels.Check(labels, _lossInputRowLength, Loss.LossName);
            for (int i = 0; i < rows; i++)
            {
                _labels[i] = labels[i];
            }

            return StepOn(features, _labels.AsSpan(0, rows), rows);
        }

        return StepOn(features, targets.Data, features.Count / _inputRowLength);
    }

    /// <summary>A step on the features as the model takes them: int64 ids for a model that takes ids, floats otherwise.</summary>
    private float StepOn(Tensor features, ReadOnlySpan<float> target, int rows)
    {
        bool ids = features.DType == DType.Int64;
        if (ids != _idsModel is not null)
        {
            throw new ArgumentException(
                _idsModel is not null
                    ? $"Trainer: the model's first layer ({_idsModel.IdsLayer!.LayerName}) takes int64 ids, but the features are a {features.DType} tensor."
                    : $"Trainer: the model takes float32 features, but they are an int64 tensor of ids (an ids-taking layer such as Embedding goes first in a Sequential).",
                nameof(features));
        }

        return ids ? Run(default, features.LongData, target, rows) : Step(features.Data, target, rows);
    }

    /// <summary>The checks of a step on class labels, before anything runs; returns the number of rows.</summary>
    private int CheckLabelBatch(Tensor features, int rows)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (_labelRefusal is not null)
        {
            throw new NotSupportedException(_labelRefusal);
        }

        if (rows <= 0 || rows > MaxRows)
        {
            throw new ArgumentOutOfRangeException("labels", rows, $"Trainer: a batch has between 1 and {MaxRows} rows.");
        }

        if (features.Count != (long)rows * _inputRowLength)
        {
            throw new ArgumentException(
                $"Trainer: {features.Count} feature values do not make {rows} rows (one per label) of the model's {_inputRowLength} inputs.", nameof(features));
        }

        return rows;
    }

    /// <summary>
    /// One step over spans: zero the gradients, run the generated forward, the loss and its backward,
    /// the model's generated backward, and the optimiser. Returns the batch's loss.
    /// </summary>
    public float Step(ReadOnlySpan<float> input, ReadOnlySpan<float> target, int rows)
    {
        if (_idsModel is not null)
        {
            throw new InvalidOperationException($"Trainer: the model's first layer ({_idsModel.IdsLayer!.LayerName}) takes int64 ids; pass them as a Tensor (Tensor.FromIds).");
        }

        return Run(input, default, target, rows);
    }

    /// <summary>The step: on <paramref name="ids"/> for a model that takes ids, else on <paramref name="input"/>.</summary>
    private float Run(ReadOnlySpan<float> input, ReadOnlySpan<long> ids, ReadOnlySpan<float> target, int rows)
    {
        if (rows <= 0 || rows > MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"Trainer: a batch has between 1 and {MaxRows} rows.");
        }

        if (rows != _plannedRows)
        {
            Plan(rows);
        }

        var output = _output.Span(rows * _outputRowLength);
        var outputGrad = _outputGrad.Span(output.Length);
        var saved = _saved.Span(_savedLength);
        int lossRows = _lossRows;
        var lossSaved = _lossSaved.Span(_lossSavedLength);
        if (_runsGenerated)
        {
            // The generated step's kernels read without bounds checks: its one length check, here.
            if (_idsModel is not null)
            {
                SpanChecks.Length("Trainer", "ids", ids.Length, rows * _inputRowLength);
                return _generated!.StepOnIds(rows, ids, target, output, outputGrad, lossRows, lossSaved); // updateInBackward is refused for ids
            }

            SpanChecks.Length("Trainer", "input", input.Length, rows * _inputRowLength);
            if (_inBackward is null)
            {
                return _generated!.Step(rows, input, target, output, outputGrad, lossRows, lossSaved);
            }

            _inBackward.CheckFrozenStayFrozen();
            float loss = _generated!.StepIntoParameters(rows, input, target, output, outputGrad, lossRows, lossSaved, _inBackward.LossScale);
            _inBackward.Finish();
            return loss;
        }

        _inBackward?.CheckFrozenStayFrozen();
        Optimizer.ZeroGrad();
        if (_idsModel is not null)
        {
            _idsModel.ForwardSpan(rows, ids, output, saved);
        }
        else
        {
            Model.ForwardSpan(rows, input, output, saved);
        }

        float value = Loss.ForwardSpan(lossRows, output, target, lossSaved);
        ElementwiseUpdate.Clear(outputGrad); // the loss backward accumulates
        if (_inBackward is not null)
        {
            // Every gradient the backward computes is then −lr·g, added by each layer into its parameters.
            Loss.BackwardSpan(lossRows, output, target, _inBackward.LossScale, outputGrad, lossSaved);
            BackwardIntoParameters.Run(Model, rows, input, output, outputGrad, Span<float>.Empty, saved); // checked when built
            _inBackward.Finish();
            return value;
        }

        Loss.BackwardSpan(lossRows, output, target, 1f, outputGrad, lossSaved);
        if (_layerwise is not null)
        {
            // Each layer's parameters are updated as soon as the backward pass is done with them.
            if (_idsModel is not null)
            {
                _idsModel.BackwardSpanNotifying(rows, ids, output, outputGrad, saved, _layerwise);
            }
            else
            {
                ((Sequential)Model).BackwardSpanNotifying(rows, input, output, outputGrad, Span<float>.Empty, saved, _layerwise);
            }

            _layerwise.Finish();
        }
        else
        {
            Model.BackwardSpan(rows, input, output, outputGrad, Span<float>.Empty, saved);
            Optimizer.Step();
        }

        return value;
    }

    /// <summary>The model's output for a batch, without gradients, into <paramref name="output"/>.</summary>
    /// <remarks>It runs in the trainer's own workspace, so one thread at a time (see the remarks on <see cref="Trainer"/>).</remarks>
    public void Predict(ReadOnlySpan<float> input, int rows, Span<float> output)
    {
        if (rows <= 0 || rows > MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"Trainer: a batch has between 1 and {MaxRows} rows.");
        }

        int savedLength = rows == _plannedRows ? _savedLength : Model.SavedLength(rows);
        Model.ForwardSpan(rows, input, output[..(rows * _outputRowLength)], _saved.Span(savedLength));
    }

    /// <summary>Reads the model's and the loss's saved lengths for batches of <paramref name="rows"/>.</summary>
    private void Plan(int rows)
    {
        // All read before any is stored, so a size that throws leaves the previous plan whole.
        int savedLength = Model.SavedLength(rows);
        int lossRows = LossRows(rows);
        int lossSavedLength = Loss.SavedLength(lossRows);
        (_savedLength, _lossRows, _lossSavedLength, _plannedRows) = (savedLength, lossRows, lossSavedLength, rows);
    }

    /// <summary>The loss sees the model's output as rows of its own input length.</summary>
    private int LossRows(int rows) => rows * _outputRowLength / _lossInputRowLength;
}
