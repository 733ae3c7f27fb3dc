using System;

namespace LayerGen;

/// <summary>
/// The accuracy of a classifier on a fixed, held-out data set: the fraction of samples whose largest
/// output (the argmax of the model's logits) is their label. Runs the model's generated forward kernel
/// in batches, in evaluation mode, over buffers sized once, so an evaluation allocates nothing.
/// </summary>
/// <remarks>
/// <code>
/// var heldOut = new ClassificationAccuracy(model, testFeatures, testLabels);
/// trainer.Fit(batches, epochs: 30, evaluate: heldOut.Evaluate);
/// Console.WriteLine($"{heldOut.Evaluate():P1}");
/// </code>
/// The data are not copied: later changes to the arrays are seen by later evaluations. Not thread-safe.
/// </remarks>
public sealed class ClassificationAccuracy
{
    private readonly ReadOnlyMemory<float> _features;
    private readonly ReadOnlyMemory<int> _labels;
    private readonly float[] _output;
    private readonly float[] _saved;

    /// <summary>Prepares to evaluate <paramref name="model"/> on <paramref name="features"/> and <paramref name="labels"/>.</summary>
    /// <param name="model">The classifier: one output per class for each row of <see cref="ILayer.InputRowLength"/> features.</param>
    /// <param name="features">Row-major [n, model.InputRowLength] features.</param>
    /// <param name="labels">n class indices in [0, model.OutputRowLength).</param>
    /// <param name="batchSize">Rows per forward pass; it sizes the buffers.</param>
    /// <exception cref="ArgumentException">The lengths disagree, or there are no samples.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="batchSize"/> is not positive, or a label is not one of the model's classes (the
    /// message names the label, its position and the class count): it could never be counted correct.
    /// </exception>
    public ClassificationAccuracy(ILayer model, ReadOnlyMemory<float> features, ReadOnlyMemory<int> labels, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (labels.IsEmpty)
        {
            throw new ArgumentException("There are no samples to evaluate on.", nameof(labels));
        }

        if (features.Length != (long)labels.Length * model.InputRowLength)
        {
            throw new ArgumentException(
                $"{features.Length} feature values do not make {labels.Length} rows of the model's {model.InputRowLength} inputs.",
                nameof(features));
        }

        ClassLabels.Check(labels.Span, model.OutputRowLength, nameof(ClassificationAccuracy));
        Model = model;
        _features = features;
        _labels = labels;
        BatchSize = Math.Min(batchSize, labels.Length);
        _output = new float[BatchSize * model.OutputRowLength];
        _saved = new float[model.SavedLength(BatchSize)];
    }

    /// <summary>The classifier being evaluated.</summary>
    public ILayer Model { get; }

    /// <summary>The number of held-out samples.</summary>
    public int SampleCount => _labels.Length;

    /// <summary>Rows per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>The fraction of samples classified correctly, in [0, 1].</summary>
    public double Evaluate() => (double)CountCorrect() / SampleCount;

    /// <summary>
    /// The number of samples classified correctly. The model runs in evaluation mode (dropout off)
    /// and is put back in the mode it was in.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A label has been changed, since construction, to one that is not a class.</exception>
    public int CountCorrect()
    {
        int inputs = Model.InputRowLength;
        int classes = Model.OutputRowLength;
        bool training = Model.Training;
        Model.Train(false);
        try
        {
            int correct = 0;
            ReadOnlySpan<float> features = _features.Span;
            ReadOnlySpan<int> labels = _labels.Span;
            for (int start = 0; start < labels.Length; start += BatchSize)
            {
                int rows = Math.Min(BatchSize, labels.Length - start);
                ClassLabels.Check(labels.Slice(start, rows), classes, nameof(ClassificationAccuracy), start); // the arrays are not copied: checked as read
                Span<float> output = _output.AsSpan(0, rows * classes);
                Model.ForwardSpan(rows, features.Slice(start * inputs, rows * inputs), output, _saved.AsSpan(0, Model.SavedLength(rows)));
                for (int r = 0; r < rows; r++)
                {
                    if (ArgMax(output.Slice(r * classes, classes)) == labels[start + r])
                    {
                        correct++;
                    }
                }
            }

            return correct;
        }
        finally
        {
            Model.Train(training);
        }
    }

    /// <summary>The index of the largest value (the first, on a tie), as <c>torch.argmax</c>; a NaN counts as the largest.</summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("argmax of an empty row", nameof(values));
        }

        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (float.IsNaN(values[best]))
            {
                break;
            }

            if (values[i] > values[best] || float.IsNaN(values[i]))
            {
                best = i;
            }
        }

        return best;
    }
}
