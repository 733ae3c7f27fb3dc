using System;
using System.Collections.Generic;

namespace LayerGen;

// A Sequential whose first child takes int64 ids (an embedding), the rest floats: nn.Sequential(nn.Embedding, ...).
// The ids layer sits at position 0 behind a private adapter (IdsFirst), so the plan, the mode, ZeroGrad and the
// parameter walk treat every position alike; only the span calls of position 0 read ids instead of floats.
public sealed partial class Sequential
{
    // Position 0's adapter when the first child takes ids, else null.
    private readonly IdsFirst? _idsFirst;

    /// <summary>
    /// Chains <paramref name="first"/>, which takes int64 ids (an <see cref="Embedding"/>), and then <paramref name="rest"/>,
    /// which take floats: the model then takes ids (<see cref="TakesIds"/>), as <c>nn.Sequential(nn.Embedding(...), ...)</c>.
    /// </summary>
    public Sequential(IIdsLayer first, params ILayer[] rest)
        : this(Checked(WithIdsFirst(first, rest)), isChecked: true)
    {
    }

    /// <summary>
    /// Whether the model takes int64 ids (its first child is an <see cref="IIdsLayer"/>): <see cref="Call"/> then takes an
    /// int64 tensor, and the span API is the one over <c>ReadOnlySpan&lt;long&gt;</c> ids.
    /// </summary>
    public bool TakesIds => _idsFirst is not null;

    /// <summary>The first child when it takes ids (see <see cref="TakesIds"/>), else null.</summary>
    public IIdsLayer? IdsLayer => _idsFirst?.Layer;

    /// <summary>
    /// The forward of a model that takes ids (<see cref="TakesIds"/>) over caller-owned buffers: <paramref name="rows"/>
    /// rows of <see cref="InputRowLength"/> ids. For an ids layer of any shape followed by a layer of <c>[*, steps * dim]</c>,
    /// a row is one sample's <c>steps</c> ids.
    /// </summary>
    public void ForwardSpan(int rows, ReadOnlySpan<long> ids, Span<float> output, Span<float> saved)
    {
        RefuseIdsWhenTakingFloats();
        Forward(rows, default, ids, output, saved);
    }

    /// <summary>
    /// The backward of a model that takes ids, after a <see cref="ForwardSpan(int, ReadOnlySpan{long}, Span{float}, Span{float})"/>
    /// with the same buffers: accumulates (+=) into every parameter's gradient (ids have none).
    /// </summary>
    public void BackwardSpan(int rows, ReadOnlySpan<long> ids, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> saved) =>
        BackwardSpanNotifying(rows, ids, output, outputGrad, saved, listener: null);

    /// <summary>The ids backward, telling <paramref name="listener"/> as each child's backward returns (last child first).</summary>
    internal void BackwardSpanNotifying(int rows, ReadOnlySpan<long> ids, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> saved, IChildBackwardListener? listener)
    {
        RefuseIdsWhenTakingFloats();
        Backward(rows, default, ids, output, outputGrad, Span<float>.Empty, saved, listener, intoParameters: false);
    }

    /// <summary>The child module at <paramref name="index"/>, whichever it takes (the ids layer itself, not its adapter).</summary>
    internal IModule ModuleAt(int index) => _layers[index] is IdsFirst ids ? ids.Layer : _layers[index];

    /// <summary>
    /// How many rows of the ids layer make one row of this model: the fewest for which every later child sees whole rows
    /// (an embedding of one id per row followed by a <c>[*, steps * dim]</c> layer: <c>steps</c>). 1 without an ids layer.
    /// </summary>
    private int IdsFirstRowsPerRow()
    {
        if (_idsFirst is null)
        {
            return 1;
        }

        long rowsPerRow = 1, floats = _layers[0].OutputRowLength;
        for (int i = 1; i < _layers.Length; i++)
        {
            long inputRow = _layers[i].InputRowLength;
            if (inputRow <= 0)
            {
                break;
            }

            long more = inputRow / Gcd(floats, inputRow);
            rowsPerRow *= more;
            floats = floats * more / inputRow * _layers[i].OutputRowLength;
        }

        return checked((int)rowsPerRow);
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a == 0 ? 1 : a;
    }

    /// <summary>The ids layer in front of <paramref name="rest"/>, checked for nulls.</summary>
    private static ILayer[] WithIdsFirst(IIdsLayer first, ILayer[] rest)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(rest);
        var layers = new ILayer[rest.Length + 1];
        layers[0] = new IdsFirst(first);
        rest.CopyTo(layers, 1);
        return layers;
    }

    /// <summary>A copy of the children, each checked: none null, and a model taking ids only first.</summary>
    private static ILayer[] Checked(ILayer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        layers = (ILayer[])layers.Clone();
        for (int i = 0; i < layers.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(layers[i], $"layers[{i}]");
            if (layers[i] is Sequential { TakesIds: true } nested)
            {
                // Only the first child may take ids, and one Sequential's ids layer is its own position 0.
                throw new ArgumentException(
                    i == 0
                        ? $"Sequential: child 0 is a Sequential that takes ids; pass its layers directly (new Sequential({nested.IdsLayer!.LayerName}, ...))."
                        : $"Sequential: child {i} is a Sequential that takes ids, but only the first child of a Sequential may take ids (layer {i - 1} produces floats).",
                    nameof(layers));
            }
        }

        return layers;
    }

    /// <summary>A clear error for a tensor of the wrong dtype: int64 ids for a model that takes floats and the other way round.</summary>
    private void CheckInputDType(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_idsFirst is not null && input.DType != DType.Int64)
        {
            throw new ArgumentException(
                $"Sequential: its first layer ({_idsFirst.Layer.LayerName}) takes int64 ids, but the input is a {input.DType} tensor (Tensor.FromIds makes ids).", nameof(input));
        }

        if (_idsFirst is null && _layers.Length > 0 && input.DType == DType.Int64)
        {
            throw new ArgumentException(
                $"Sequential: its first layer ({_layers[0].LayerName}) takes float32 values, but the input is an int64 tensor of ids (an ids-taking layer such as Embedding goes first).", nameof(input));
        }
    }

    private void RefuseFloatsWhenTakingIds()
    {
        if (_idsFirst is not null)
        {
            throw new InvalidOperationException(
                $"Sequential: its first layer ({_idsFirst.Layer.LayerName}) takes int64 ids; call the span API over ReadOnlySpan<long> ids.");
        }
    }

    private void RefuseIdsWhenTakingFloats()
    {
        if (_idsFirst is null)
        {
            throw new InvalidOperationException(
                "Sequential: its first layer takes float32 values, not ids; call the span API over ReadOnlySpan<float>.");
        }
    }

    /// <summary>
    /// Position 0 of a model that takes ids: the ids layer seen as an <see cref="ILayer"/> for the tensor calls, sizes, mode
    /// and parameters; its span calls go to <see cref="Layer"/> directly (the float ones are never made).
    /// </summary>
    private sealed class IdsFirst(IIdsLayer layer) : ILayer
    {
        public IIdsLayer Layer { get; } = layer;

        public string LayerName => Layer.LayerName;

        public string KernelName => Layer.KernelName;

        public bool Training => Layer.Training;

        public int InputRowLength => Layer.InputRowLength;

        public int OutputRowLength => Layer.OutputRowLength;

        public Tensor Call(Tensor input) => Layer.Call(input);

        public Tensor CallEager(Tensor input) => Layer.CallEager(input);

        public int SavedLength(int rows) => Layer.SavedLength(rows);

        public void Train(bool mode = true) => Layer.Train(mode);

        public void ZeroGrad() => Layer.ZeroGrad();

        public IEnumerable<KeyValuePair<string, Tensor>> LocalParameters() => Layer.LocalParameters();

        public IEnumerable<KeyValuePair<string, Tensor>> LocalBuffers() => Layer.LocalBuffers();

        public IEnumerable<KeyValuePair<string, IModule>> NamedChildren() => Layer.NamedChildren();

        public void ForwardSpan(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved) =>
            throw new InvalidOperationException($"{Layer.LayerName} takes int64 ids, not floats.");

        public void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved) =>
            throw new InvalidOperationException($"{Layer.LayerName} takes int64 ids, not floats.");
    }
}
