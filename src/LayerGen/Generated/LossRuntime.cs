using System;
using System.ComponentModel;

namespace LayerGen.Generated;

/// <summary>The one generic implementation behind every generated loss's <see cref="ILoss.Call(Tensor, Tensor)"/>.</summary>
/// <remarks>For generated code; not a stable API.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LossRuntime
{
    /// <summary>
    /// <see cref="ILoss.Call(Tensor, ReadOnlySpan{int})"/> for a generated loss that first reads a run-time size from
    /// the input (its classes, which no constructor parameter gives): the labels are checked against the classes then.
    /// </summary>
    public static Tensor CallWithLabels(ILoss loss, Tensor input, ReadOnlySpan<int> labels) => ClassLabels.Call(loss, input, labels);

    /// <summary>
    /// Checks shapes (input ends with <paramref name="inputFeatures"/>, the target has
    /// <paramref name="targetFeatures"/> per row), runs the generated forward and, when the input needs
    /// a gradient, records the generated backward.
    /// </summary>
    public static Tensor Call(ILoss loss, Tensor input, Tensor target, int[] inputFeatures, int[] targetFeatures)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (target.DType == DType.Int64)
        {
            target = ClassLabels.FloatTarget(loss, target, loss.InputRowLength); // int64 class labels, as PyTorch's long targets
        }

        ReadOnlySpan<int> shape = input.Shape;
        if (shape.Length < inputFeatures.Length || !shape[^inputFeatures.Length..].SequenceEqual(inputFeatures))
        {
            throw new ArgumentException(
                $"{loss.LossName} expected an input of shape [*{string.Concat(Array.ConvertAll(inputFeatures, f => ", " + f))}] but got {Tensor.FormatShape(shape)}",
                nameof(input));
        }

        int rows = Tensor.CountOf(shape[..^inputFeatures.Length]);
        int expectedTarget = rows * Tensor.CountOf(targetFeatures);
        if (target.Count != expectedTarget)
        {
            throw new ArgumentException(
                $"{loss.LossName} expected a target of {expectedTarget} values for an input of shape {Tensor.FormatShape(shape)} but got shape {Tensor.FormatShape(target.Shape)}",
                nameof(target));
        }

        var saved = new float[loss.SavedLength(rows)];
        float value = loss.ForwardSpan(rows, input.Data, target.Data, saved);
        var output = Tensor.From(new[] { value }, Array.Empty<int>());
        if (GradMode.IsEnabled && input.RequiresGrad)
        {
            output.SetGradFn(new LossBackward(loss, rows, input, target, saved));
        }

        return output;
    }

    private sealed class LossBackward(ILoss loss, int rows, Tensor input, Tensor target, float[] saved)
        : GradFn(loss.LossName + "Backward", input)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is { } inputGrad)
            {
                loss.BackwardSpan(rows, input.Data, target.Data, outputGrad[0], inputGrad, saved);
            }
        }
    }
}
