using System;

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
/// Not thread-safe: it reuses its buffers.
/// </remarks>
public sealed class Trainer
{
    private readonly float[] _output;
    private readonly float[] _outputGrad;
    private readonly float[] _saved;
    private readonly float[] _lossSaved;
    private readonly float[] _labels;

    public Trainer(ILayer model, ILoss loss, Optimizer optimizer, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        Model = model;
        Loss = loss;
        Optimizer = optimizer;
        MaxRows = maxRows;
        _output = new float[maxRows * model.OutputRowLength];
        _outputGrad = new float[_output.Length];
        _saved = new float[model.SavedLength(maxRows)];
        _lossSaved = new float[loss.SavedLength(LossRows(maxRows))];
        _labels = new float[maxRows];
    }

    public ILayer Model { get; }

    public ILoss Loss { get; }

    public Optimizer Optimizer { get; }

    /// <summary>The largest batch the buffers hold.</summary>
    public int MaxRows { get; }

    /// <summary>One step on a batch of features [rows, in] and integer class labels (classification).</summary>
    public float Step(Tensor features, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        int rows = labels.Length;
        for (int i = 0; i < rows; i++)
        {
            _labels[i] = labels[i];
        }

        return Step(features.Data, _labels.AsSpan(0, rows), rows);
    }

    /// <summary>One step on a batch of features and float targets (regression).</summary>
    public float Step(Tensor features, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        return Step(features.Data, targets.Data, features.Count / Model.InputRowLength);
    }

    /// <summary>
    /// One step over spans: zero the gradients, run the generated forward, the loss and its backward,
    /// the model's generated backward, and the optimiser. Returns the batch's loss.
    /// </summary>
    public float Step(ReadOnlySpan<float> input, ReadOnlySpan<float> target, int rows)
    {
        if (rows <= 0 || rows > MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"Trainer: a batch has between 1 and {MaxRows} rows.");
        }

        var output = _output.AsSpan(0, rows * Model.OutputRowLength);
        var outputGrad = _outputGrad.AsSpan(0, output.Length);
        var saved = _saved.AsSpan(0, Model.SavedLength(rows));
        int lossRows = LossRows(rows);
        var lossSaved = _lossSaved.AsSpan(0, Loss.SavedLength(lossRows));

        Optimizer.ZeroGrad();
        Model.ForwardSpan(rows, input, output, saved);
        float value = Loss.ForwardSpan(lossRows, output, target, lossSaved);
        outputGrad.Clear();
        Loss.BackwardSpan(lossRows, output, target, 1f, outputGrad, lossSaved);
        Model.BackwardSpan(rows, input, output, outputGrad, Span<float>.Empty, saved);
        Optimizer.Step();
        return value;
    }

    /// <summary>The model's output for a batch, without gradients, into <paramref name="output"/>.</summary>
    public void Predict(ReadOnlySpan<float> input, int rows, Span<float> output)
    {
        if (rows <= 0 || rows > MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"Trainer: a batch has between 1 and {MaxRows} rows.");
        }

        Model.ForwardSpan(rows, input, output[..(rows * Model.OutputRowLength)], _saved.AsSpan(0, Model.SavedLength(rows)));
    }

    /// <summary>The loss sees the model's output as rows of its own input length.</summary>
    private int LossRows(int rows) => rows * Model.OutputRowLength / Loss.InputRowLength;
}
