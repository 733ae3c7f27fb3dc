using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;

namespace LayerGen.Generated;

/// <summary>
/// The one implementation behind every generated layer's <see cref="ILayer.Call"/>: shape checks,
/// buffer allocation, the span forward, and the autograd node that runs the span backward.
/// </summary>
/// <remarks>
/// Generated code stays small because this is shared: a layer only supplies its feature shapes and
/// its kernels. Everything here is the tensor-level convenience; a caller that wants no allocation
/// uses <see cref="ILayer.ForwardSpan"/> and <see cref="ILayer.BackwardSpan"/> directly.
/// <para>For generated code; not a stable API.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LayerRuntime
{
    /// <summary>
    /// Runs <paramref name="layer"/> on <paramref name="input"/> of shape [*, inputFeatures...] and
    /// returns its output of shape [*, outputFeatures...], where * (any number of leading dimensions,
    /// possibly none) is flattened into the kernel's rows.
    /// </summary>
    /// <param name="layer">The layer whose kernels run.</param>
    /// <param name="input">The input tensor.</param>
    /// <param name="inputFeatures">The trailing dimensions the layer expects (empty for a shape-agnostic layer).</param>
    /// <param name="outputFeatures">The trailing dimensions the layer produces in their place.</param>
    /// <exception cref="ArgumentException">The input's shape does not end with <paramref name="inputFeatures"/>.</exception>
    /// <param name="oneBatchDimension">
    /// The layer's forward counts axes from the front (<c>x.Sum(1)</c>), which means the same thing on the
    /// generated and the eager path only with exactly one batch dimension; other inputs are rejected.
    /// </param>
    public static Tensor Call(ILayer layer, Tensor input, int[] inputFeatures, int[] outputFeatures, bool oneBatchDimension = false)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(inputFeatures);
        ArgumentNullException.ThrowIfNull(outputFeatures);
        if (t_eagerDepth > 0)
        {
            // Inside a CallEager: a child layer the forward definition calls runs its definition too.
            return layer.CallEager(input);
        }

        ReadOnlySpan<int> shape = input.Shape;
        if (shape.Length < inputFeatures.Length || !shape[^inputFeatures.Length..].SequenceEqual(inputFeatures))
        {
            string expected = inputFeatures.Length == 0 ? "[*]" : "[*, " + Tensor.FormatShape(inputFeatures)[1..];
            throw new ArgumentException(
                $"{layer.LayerName} expected an input of shape {expected} but got {Tensor.FormatShape(shape)}", nameof(input));
        }

        if (oneBatchDimension && shape.Length != inputFeatures.Length + 1)
        {
            string expected = "[*" + string.Concat(inputFeatures.Select(f => ", " + f)) + "]";
            throw new ArgumentException(
                $"{layer.LayerName} counts axes from the front, so its input needs exactly one batch dimension: expected {expected} (rank {inputFeatures.Length + 1}) but got {Tensor.FormatShape(shape)}",
                nameof(input));
        }

        ReadOnlySpan<int> leading = shape[..^inputFeatures.Length];
        int rows = Tensor.CountOf(leading); // 1 when there are no leading dimensions
        var output = new Tensor([.. leading, .. outputFeatures]);
        var saved = new float[layer.SavedLength(rows)];
        layer.ForwardSpan(rows, input.Data, output.Data, saved);

        if (GradMode.IsEnabled && (input.RequiresGrad || AnyParameterRequiresGrad(layer)))
        {
            output.SetGradFn(new LayerBackward(layer, rows, input, output.Data, saved));
        }

        return output;
    }

    [ThreadStatic]
    private static int t_eagerDepth;

    /// <summary>
    /// Whether an <see cref="EagerScope"/> is open on this thread: a generated layer's <c>Call</c> then runs its eager
    /// definition (what <see cref="Call"/> does for one input, and the <c>Call(x, y)</c> of a layer with several inputs asks here).
    /// </summary>
    public static bool InEagerScope => t_eagerDepth > 0;

    /// <summary>
    /// While the returned scope is open on this thread, <see cref="Call"/> runs a layer's eager definition
    /// (<see cref="ILayer.CallEager"/>) instead of its generated kernels. A generated layer's <c>CallEager</c>
    /// opens one, so that the children its forward definition calls (<c>fc1.Call(h)</c>) run eagerly as well:
    /// the eager path of a whole model uses no generated kernel.
    /// </summary>
    public static EagerPath EagerScope()
    {
        t_eagerDepth++;
        return default;
    }

    /// <summary>Closes an <see cref="EagerScope"/> when disposed.</summary>
    public readonly struct EagerPath : IDisposable
    {
        public void Dispose() => t_eagerDepth--;
    }

    // Walks the tree directly rather than through NamedParameters: an "any" question needs no
    // de-duplication, so there is no set to allocate on every call.
    private static bool AnyParameterRequiresGrad(IModule layer)
    {
        foreach (KeyValuePair<string, Tensor> parameter in layer.LocalParameters())
        {
            if (parameter.Value.RequiresGrad)
            {
                return true;
            }
        }

        foreach (KeyValuePair<string, IModule> child in layer.NamedChildren())
        {
            if (AnyParameterRequiresGrad(child.Value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Runs the layer's span backward. Its only autograd input is the layer's input: the layer's
    /// parameters accumulate their own <see cref="Tensor.Grad"/> inside <see cref="ILayer.BackwardSpan"/>,
    /// which is why the engine runs this node even when the input needs no gradient.
    /// </summary>
    private sealed class LayerBackward(ILayer layer, int rows, Tensor input, float[] output, float[] saved)
        : GradFn(layer.LayerName + "Backward", input)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads) =>
            layer.BackwardSpan(rows, input.Data, output, outputGrad, inputGrads[0] ?? Span<float>.Empty, saved);
    }
}
