using System;
using System.ComponentModel;
using System.Linq;

namespace LayerGen.Generated;

/// <summary>
/// The one implementation behind the <c>Call(x, y, ...)</c> of every generated layer whose <c>Forward</c> takes
/// several tensors: shape checks (each input's features, one batch shared by all), buffers, the span forward,
/// and the autograd node that runs the span backward for every input that needs a gradient.
/// </summary>
/// <remarks>For generated code; not a stable API.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ModuleRuntime
{
    /// <summary>
    /// Runs <paramref name="module"/> on <paramref name="inputs"/>, input i of shape [*, inputFeatures[i]...], where *
    /// (any number of leading dimensions, the same for every input) is flattened into the kernel's rows; returns the
    /// output of shape [*, outputFeatures...].
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An input's shape does not end with its features, or two inputs have different batches (naming both).
    /// </exception>
    public static Tensor Call(ISpanModule module, Tensor[] inputs, string[] inputNames, int[][] inputFeatures, int[] outputFeatures, bool oneBatchDimension = false)
    {
        ArgumentNullException.ThrowIfNull(outputFeatures);
        return CallTuple(module, inputs, inputNames, inputFeatures, [outputFeatures], oneBatchDimension)[0];
    }

    /// <summary>
    /// <see cref="Call"/> for a module returning a tuple: output k of shape [*, outputFeatures[k]...]. The kernels
    /// write the outputs one after the other into one buffer, whose autograd node runs the module's backward once;
    /// each returned tensor is a copy of its part, whose node passes its gradient to that part, so gradients flowing
    /// back from either output or both reach the inputs and parameters (a part nothing flows back from counts as zeros).
    /// </summary>
    public static Tensor[] CallTuple(ISpanModule module, Tensor[] inputs, string[] inputNames, int[][] inputFeatures, int[][] outputFeatures, bool oneBatchDimension = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(inputNames);
        ArgumentNullException.ThrowIfNull(inputFeatures);
        ArgumentNullException.ThrowIfNull(outputFeatures);
        int[] batch = [];
        for (int i = 0; i < inputs.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], inputNames[i]);
            RequireDType(module, inputs[i], inputNames[i], module.InputIsIds(i));
            int[] leading = Leading(module, inputs[i], inputNames[i], inputFeatures[i], oneBatchDimension);
            if (i == 0)
            {
                batch = leading;
            }
            else if (!leading.AsSpan().SequenceEqual(batch))
            {
                throw new ArgumentException(
                    $"{module.LayerName}'s inputs must share their batch (leading) dimensions, but '{inputNames[0]}' of shape {Tensor.FormatShape(inputs[0].Shape)} has batch {Tensor.FormatShape(batch)} and '{inputNames[i]}' of shape {Tensor.FormatShape(inputs[i].Shape)} has batch {Tensor.FormatShape(leading)}",
                    inputNames[i]);
            }
        }

        int rows = Tensor.CountOf(batch); // 1 when there are no leading dimensions
        int[] lengths = Array.ConvertAll(outputFeatures, f => rows * Tensor.CountOf(f));
        var packed = new float[lengths.Sum()];
        var saved = new float[module.SavedLength(rows)];
        module.ForwardPacked(rows, inputs, packed, saved);
        bool record = GradMode.IsEnabled && (inputs.Any(t => t.RequiresGrad) || module.Parameters().Any(p => p.RequiresGrad));
        if (outputFeatures.Length == 1)
        {
            var output = Tensor.FromBuffer(packed, [.. batch, .. outputFeatures[0]]);
            if (record)
            {
                output.SetGradFn(new ModuleBackward(module, rows, inputs, packed, saved));
            }

            return [output];
        }

        var whole = Tensor.FromBuffer(packed, packed.Length);
        if (record)
        {
            whole.SetGradFn(new ModuleBackward(module, rows, inputs, packed, saved));
        }

        var outputs = new Tensor[outputFeatures.Length];
        for (int k = 0, offset = 0; k < outputs.Length; offset += lengths[k], k++)
        {
            outputs[k] = Tensor.FromBuffer(packed.AsSpan(offset, lengths[k]).ToArray(), [.. batch, .. outputFeatures[k]]);
            if (record)
            {
                outputs[k].SetGradFn(new PartBackward(whole, offset));
            }
        }

        return outputs;
    }

    /// <summary>One output of a tuple, a part of the packed outputs: its gradient goes to that part.</summary>
    private sealed class PartBackward(Tensor whole, int offset) : GradFn("SliceBackward0", whole)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is { } grad)
            {
                Span<float> part = grad.AsSpan(offset, outputGrad.Length);
                for (int i = 0; i < part.Length; i++)
                {
                    part[i] += outputGrad[i];
                }
            }
        }
    }

    /// <summary>
    /// An input of ids must be int64 and a float input float32: PyTorch's rule (an embedding refuses float ids), checked
    /// before the kernels read either as the other.
    /// </summary>
    private static void RequireDType(IModule module, Tensor input, string name, bool ids)
    {
        if (ids && input.DType != DType.Int64)
        {
            throw new ArgumentException(
                $"{module.LayerName}: '{name}' holds ids (Forward uses it as indices), so it must be an int64 tensor, but this one has dtype float32: make it with Tensor.FromIds(...), or convert with ToLong().",
                name);
        }

        if (!ids && input.DType != DType.Float32)
        {
            throw new ArgumentException(
                $"{module.LayerName}: '{name}' must be a float32 tensor, but this one has dtype int64 (ids): convert with ToFloat(), or index a tensor with it in Forward.",
                name);
        }
    }

    /// <summary>The input's leading (batch) dimensions, after checking that the rest are its features.</summary>
    private static int[] Leading(IModule module, Tensor input, string name, int[] features, bool oneBatchDimension)
    {
        ReadOnlySpan<int> shape = input.Shape;
        string expected = "[*" + string.Concat(features.Select(f => ", " + f)) + "]";
        if (shape.Length < features.Length || !shape[^features.Length..].SequenceEqual(features))
        {
            throw new ArgumentException($"{module.LayerName} expected '{name}' of shape {expected} but got {Tensor.FormatShape(shape)}", name);
        }

        if (oneBatchDimension && shape.Length != features.Length + 1)
        {
            throw new ArgumentException(
                $"{module.LayerName} counts axes from the front, so '{name}' needs exactly one batch dimension: expected {expected} (rank {features.Length + 1}) but got {Tensor.FormatShape(shape)}",
                name);
        }

        return shape[..^features.Length].ToArray();
    }

    /// <summary>
    /// Runs the module's span backward. Its autograd inputs are the module's inputs; its parameters accumulate their
    /// own gradients inside the span backward, which is why the engine runs this node even when no input needs one.
    /// </summary>
    private sealed class ModuleBackward(ISpanModule module, int rows, Tensor[] inputs, float[] output, float[] saved)
        : GradFn(module.LayerName + "Backward", inputs)
    {
        private readonly Tensor[] _inputs = inputs; // a copy of the reference: GradFn keeps its own

        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads) =>
            module.BackwardPacked(rows, _inputs, output, outputGrad, inputGrads, saved);
    }
}
