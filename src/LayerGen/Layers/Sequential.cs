using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using LayerGen.Kernels;
using LayerGen.Generated;

namespace LayerGen;

/// <summary>
/// Layers applied one after the other, like <c>torch.nn.Sequential</c>; children are named
/// <c>"0"</c>, <c>"1"</c>, ... in <see cref="NamedChildren"/> and in parameter names (<c>"0.weight"</c>).
/// </summary>
/// <remarks>
/// <para><see cref="Call"/> chains the children's <see cref="ILayer.Call"/>, so each child records its own
/// autograd node; <see cref="CallEager"/> chains their <see cref="ILayer.CallEager"/>. The span API chains <see cref="ILayer.ForwardSpan"/> / <see cref="ILayer.BackwardSpan"/>
/// over one caller-owned saved buffer laid out per position as
/// <c>[output of child 0 | ... | output of child n-2 | saved of child 0 | ... | saved of child n-1]</c>,
/// so the same layer instance may appear at several positions.</para>
/// <para>Rows change between children by the ratio of row lengths: child i+1 runs on
/// rows_i * child_i.OutputRowLength / child_{i+1}.InputRowLength rows. The span API reads the children's
/// row and saved lengths the first time it sees a batch size and keeps them (for the last eight batch
/// sizes), so a child's sizes must not change once it is in a
/// <see cref="Sequential"/> (a generated layer's never do).</para>
/// <para><b>Threads.</b> Inference is thread-safe: several threads may run <see cref="Call"/> (under
/// <see cref="GradMode.NoGrad"/>, or each building its own graph), <see cref="CallEager"/>,
/// <see cref="SavedLength"/> and <see cref="ForwardSpan(int, ReadOnlySpan{float}, Span{float}, Span{float})"/> on one instance at once, with any batch sizes,
/// as long as each thread passes its own input, output and saved buffers. The kept sizes are immutable
/// plans, one per batch size, which a call reads once; a warm call (a batch size among the last
/// eight) allocates nothing, on any thread. The backward is not: <see cref="BackwardSpan(int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
/// and <see cref="BackwardSpanIntoParameters"/> accumulate into the parameters' shared gradients (or the
/// parameters) and reuse a grow-only scratch buffer of this instance (so that a warm backward allocates
/// nothing), so at most one backward may run on a model at a time. Nor is training: changing parameters
/// (an optimiser, a <see cref="Trainer"/>) or the mode (<see cref="Train"/>) while other threads run
/// inference gives them a mix of old and new.</para>
/// <para>An empty <see cref="Sequential"/> is the identity, as in PyTorch.</para>
/// </remarks>
public sealed partial class Sequential : ILayer, IBackwardIntoParameters
{
    private readonly ILayer[] _layers;
    private readonly string[] _names;

    // How many batch sizes' plans an instance keeps (the remarks say "eight"): a call with one of them allocates nothing.
    private const int PlanCacheSize = 8;

    // Where each child runs, per batch size. A child's sizes are asked once per batch size, when its plan
    // is made, and the forward and backward loops then only slice: asking on every call cost ~10 ns per
    // child and pass (interface calls for three sizes each). Plans are immutable and published whole by
    // one reference write, and a call reads the reference once, so concurrent calls with different batch
    // sizes each see a whole plan for their own size.
    private Plan? _lastPlan;                                   // the plan of the last call: the hot path's one read
    private readonly Plan?[] _plans = new Plan?[PlanCacheSize]; // the last few batch sizes' plans, replaced in turn
    private int _nextPlanSlot;                                  // where the next new plan goes (a lost race only evicts another)

    // Two halves of [max intermediate size, in whole cache lines] each, ping-ponged as the gradient walks
    // backwards; each starts on a cache line.
    private AlignedBuffer _gradScratch = new(0);

    /// <summary>Chains <paramref name="layers"/> in order.</summary>
    public Sequential(params ILayer[] layers)
        : this(Checked(layers), isChecked: true)
    {
    }

    private Sequential(ILayer[] layers, bool isChecked)
    {
        System.Diagnostics.Debug.Assert(isChecked, "the public constructors check the children");
        _layers = layers;
        _idsFirst = layers.Length > 0 ? layers[0] as IdsFirst : null;
        _names = new string[_layers.Length];
        for (int i = 0; i < _layers.Length; i++)
        {
            _names[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        TellRunTimeRowLengths();
    }

    /// <summary>
    /// A layer whose features are a size of its own (<see cref="IRunTimeRowLength"/>: <c>Ops.Softmax(x, -1)</c> with no
    /// parameter) learns it from a tensor call; the span API this Sequential runs must be told it, and it is the width
    /// of what the layer before produces: that layer's output row, or, after a shape-agnostic layer (one float in, one
    /// out: ReLU), the width before that.
    /// </summary>
    private void TellRunTimeRowLengths()
    {
        int width = _layers.Length == 0 ? 0 : _layers[0].InputRowLength;
        for (int i = 0; i < _layers.Length; i++)
        {
            ILayer layer = _layers[i];
            if (i > 0 && layer is IRunTimeRowLength open && width > 0)
            {
                if (open.InputRowLength == 0)
                {
                    open.InputRowLength = width;
                }
                else if (open.InputRowLength != width)
                {
                    throw new ArgumentException(
                        $"Sequential: layer {i} ({layer.LayerName}) reads its features from its input and was last told {open.InputRowLength}, "
                        + $"but layer {i - 1} ({_layers[i - 1].LayerName}) produces rows of {width}: give this Sequential an instance of its own.",
                        "layers");
                }
            }

            bool shapeAgnostic = layer.InputRowLength == 1 && layer.OutputRowLength == 1;
            width = shapeAgnostic ? width : layer.OutputRowLength;
        }
    }

    /// <summary>The child at <paramref name="index"/>.</summary>
    /// <exception cref="InvalidOperationException">The child takes ids (an <see cref="IIdsLayer"/>, no <see cref="ILayer"/>): read it with <see cref="IdsLayer"/>.</exception>
    public ILayer this[int index] => _layers[index] is IdsFirst
        ? throw new InvalidOperationException($"Sequential: child {index} ({_idsFirst!.Layer.LayerName}) takes ids and is no ILayer; read it with IdsLayer.")
        : _layers[index];

    /// <summary>The number of children.</summary>
    public int Count => _layers.Length;

    /// <inheritdoc/>
    public string LayerName => "Sequential";

    /// <inheritdoc/>
    public string KernelName => "Sequential";

    /// <inheritdoc/>
    public int InputRowLength => _layers.Length == 0 ? 1 : _layers[0].InputRowLength * IdsFirstRowsPerRow();

    /// <inheritdoc/>
    /// <remarks>
    /// Floats of output per row of this Sequential's input, followed through the chain: a shape-agnostic
    /// last layer (CenteredLayer sees every element as a row) keeps what the layer before it produced.
    /// </remarks>
    public int OutputRowLength
    {
        get
        {
            if (_layers.Length == 0)
            {
                return 1;
            }

            long floats = InputRowLength;
            foreach (ILayer layer in _layers)
            {
                if (layer.InputRowLength == 0)
                {
                    return 0; // a layer not yet told its features (IRunTimeRowLength): unknown until it is
                }

                floats = floats / layer.InputRowLength * layer.OutputRowLength;
            }

            return (int)floats;
        }
    }

    /// <summary>Training (the default) or evaluation mode, as last set by <see cref="Train"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Sets this container's mode and every child's (each child passes it on to its own children).</summary>
    public void Train(bool mode = true)
    {
        Training = mode;
        foreach (ILayer layer in _layers)
        {
            layer.Train(mode);
        }
    }

    /// <summary>Runs each child's <see cref="ILayer.Call"/> on the previous one's output.</summary>
    public Tensor Call(Tensor input)
    {
        CheckInputDType(input);
        Tensor x = input;
        foreach (ILayer layer in _layers)
        {
            x = layer.Call(x);
        }

        return x;
    }

    /// <summary>Runs each child's <see cref="ILayer.CallEager"/> on the previous one's output: the whole model on the eager reference ops.</summary>
    public Tensor CallEager(Tensor input)
    {
        CheckInputDType(input);
        Tensor x = input;
        foreach (ILayer layer in _layers)
        {
            x = layer.CallEager(x);
        }

        return x;
    }

    /// <inheritdoc/>
    public IEnumerable<KeyValuePair<string, Tensor>> LocalParameters() => [];

    /// <inheritdoc/>
    public IEnumerable<KeyValuePair<string, IModule>> NamedChildren()
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            yield return new KeyValuePair<string, IModule>(_names[i], ModuleAt(i));
        }
    }

    /// <inheritdoc/>
    public int SavedLength(int rows) => PlanFor(rows).SavedLength;

    /// <inheritdoc/>
    public void ForwardSpan(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved)
    {
        RefuseFloatsWhenTakingIds();
        Forward(rows, input, default, output, saved);
    }

    /// <summary>The span forward of the children in turn; child 0 reads <paramref name="ids"/> when it takes ids, else <paramref name="input"/>.</summary>
    private void Forward(int rows, ReadOnlySpan<float> input, ReadOnlySpan<long> ids, Span<float> output, Span<float> saved)
    {
        if (_layers.Length == 0)
        {
            input.CopyTo(output);
            return;
        }

        Position[] plan = PlanFor(rows).Positions;
        int last = _layers.Length - 1;
        for (int i = 0; i <= last; i++)
        {
            ref readonly Position at = ref plan[i];
            ReadOnlySpan<float> x = i == 0 ? input : OutputOf(in plan[i - 1], saved);
            Span<float> y = i == last ? output : OutputOf(in at, saved);
            if (i == 0 && _idsFirst is not null)
            {
                _idsFirst.Layer.ForwardSpan(at.Rows, ids, y, saved.Slice(at.SavedOffset, at.SavedLength));
                continue;
            }

            _layers[i].ForwardSpan(at.Rows, x, y, saved.Slice(at.SavedOffset, at.SavedLength));
        }
    }

    /// <inheritdoc/>
    public void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved) =>
        BackwardSpanNotifying(rows, input, output, outputGrad, inputGrad, saved, listener: null);

    /// <summary>
    /// True when every child can add gradients into its parameters in its backward (or holds none) and no parameter is held
    /// by two positions: the backward walks the children last to first, so a shared parameter would be
    /// changed by the later position before the earlier one reads it.
    /// </summary>
    public bool CanBackwardIntoParameters
    {
        get
        {
            foreach (ILayer layer in _layers)
            {
                if (!BackwardIntoParameters.CanRun(layer))
                {
                    return false;
                }
            }

            return !RunsALayerWithParametersTwice() && BackwardIntoParameters.HoldsEachParameterOnce(this);
        }
    }

    /// <summary>Whether one layer instance with parameters sits at two positions (its backward would run twice).</summary>
    internal bool RunsALayerWithParametersTwice()
    {
        var seen = new HashSet<ILayer>(ReferenceEqualityComparer.Instance);
        foreach (ILayer layer in _layers)
        {
            if (!seen.Add(layer) && layer.Parameters().Any())
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public void BackwardSpanIntoParameters(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved)
    {
        RefuseFloatsWhenTakingIds();
        Backward(rows, input, default, output, outputGrad, inputGrad, saved, listener: null, intoParameters: true);
    }

    /// <summary>
    /// <see cref="BackwardSpan(int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>,
    /// telling <paramref name="listener"/> as each child's backward returns (last child first).
    /// </summary>
    internal void BackwardSpanNotifying(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved, IChildBackwardListener? listener)
    {
        RefuseFloatsWhenTakingIds();
        Backward(rows, input, default, output, outputGrad, inputGrad, saved, listener, intoParameters: false);
    }

    /// <summary>The span backward: each child's <see cref="ILayer.BackwardSpan"/>, or its <see cref="IBackwardIntoParameters.BackwardSpanIntoParameters"/>.</summary>
    private void Backward(int rows, ReadOnlySpan<float> input, ReadOnlySpan<long> ids, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved, IChildBackwardListener? listener, bool intoParameters)
    {
        if (_layers.Length == 0)
        {
            for (int j = 0; j < inputGrad.Length; j++)
            {
                inputGrad[j] += outputGrad[j];
            }

            return;
        }

        Plan planned = PlanFor(rows);
        Position[] plan = planned.Positions;
        int last = _layers.Length - 1;
        int half = (planned.LargestIntermediate + 15) & ~15; // whole cache lines, so both halves start on one
        if (_gradScratch.Length < 2 * half)
        {
            _gradScratch = new AlignedBuffer(2 * half);
        }

        // Walk backwards: child i reads the gradient of its output (the caller's outputGrad for the
        // last child) and accumulates the gradient of its input into a zeroed half of the scratch
        // (the caller's inputGrad for child 0, which may be empty: then only parameters get grads).
        ReadOnlySpan<float> gradOut = outputGrad;
        for (int i = last; i >= 0; i--)
        {
            ref readonly Position at = ref plan[i];
            ReadOnlySpan<float> x = i == 0 ? input : OutputOf(in plan[i - 1], saved);
            ReadOnlySpan<float> y = i == last ? output : OutputOf(in at, saved);
            if (i == 0 && _idsFirst is not null)
            {
                // Ids have no gradient: the ids layer only adds to its parameters' gradients.
                _idsFirst.Layer.BackwardSpan(at.Rows, ids, y, gradOut, saved.Slice(at.SavedOffset, at.SavedLength));
                listener?.AfterChildBackward(i);
                break;
            }

            Span<float> gradIn = inputGrad;
            if (i > 0)
            {
                gradIn = _gradScratch.Span((i % 2) * half, plan[i - 1].OutputLength);
                ElementwiseUpdate.Clear(gradIn); // BackwardSpan accumulates (a store loop: faster than memset for these sizes)
            }

            if (intoParameters)
            {
                BackwardIntoParameters.Run(_layers[i], at.Rows, x, y, gradOut, gradIn, saved.Slice(at.SavedOffset, at.SavedLength));
            }
            else
            {
                _layers[i].BackwardSpan(at.Rows, x, y, gradOut, gradIn, saved.Slice(at.SavedOffset, at.SavedLength));
            }

            listener?.AfterChildBackward(i);
            gradOut = gradIn;
        }
    }

    /// <inheritdoc/>
    /// <summary>Zeroes every child's parameter gradients in place, without allocating.</summary>
    public void ZeroGrad()
    {
        foreach (ILayer layer in _layers)
        {
            layer.ZeroGrad();
        }
    }

    public override string ToString() => this.ToModuleString();

    private static Span<float> OutputOf(in Position at, Span<float> saved) => saved.Slice(at.OutputOffset, at.OutputLength);

    /// <summary>The plan for <paramref name="rows"/>: the last call's when it was for as many rows (the hot path), else a kept or a new one.</summary>
    private Plan PlanFor(int rows)
    {
        Plan? plan = _lastPlan; // read once: another thread may replace it meanwhile
        return plan is not null && plan.Rows == rows ? plan : KeptOrNewPlan(rows);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // the cold path, out of the callers' code
    private Plan KeptOrNewPlan(int rows)
    {
        foreach (Plan? kept in _plans)
        {
            if (kept is not null && kept.Rows == rows)
            {
                _lastPlan = kept;
                return kept;
            }
        }

        // Published with release semantics: a thread that reads the reference sees the whole plan.
        Plan plan = MakePlan(rows); // throws for sizes that do not fit: nothing is kept then
        Volatile.Write(ref _plans[(int)((uint)_nextPlanSlot++ % PlanCacheSize)], plan);
        Volatile.Write(ref _lastPlan, plan);
        return plan;
    }

    /// <summary>Asks every child its sizes for <paramref name="rows"/> rows and lays out the saved buffer.</summary>
    private Plan MakePlan(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        int n = _layers.Length;
        var positions = new Position[n];
        long outputs = 0;
        int largest = 0;
        int previousOutputRow = 0;
        for (int i = 0; i < n; i++)
        {
            ILayer layer = _layers[i];
            ref Position at = ref positions[i];
            if (i == 0)
            {
                at.Rows = checked(rows * IdsFirstRowsPerRow()); // an ids-first model's row is a sample's ids
            }
            else
            {
                long floats = (long)positions[i - 1].Rows * previousOutputRow;
                int inputRow = layer.InputRowLength;
                if (inputRow == 0)
                {
                    throw new ArgumentException(
                        $"Sequential: layer {i} ({layer.LayerName}) reads its features from its input, and nothing has told it their number yet (set its InputRowLength).");
                }

                if (inputRow < 0 || floats % inputRow != 0)
                {
                    throw new ArgumentException(
                        $"Sequential: layer {i - 1} ({_layers[i - 1].LayerName}) produces {floats} floats, which is not a whole number of rows of {inputRow} for layer {i} ({layer.LayerName}).");
                }

                at.Rows = checked((int)(floats / inputRow));
            }

            previousOutputRow = layer.OutputRowLength;
            if (i < n - 1)
            {
                at.OutputOffset = checked((int)outputs);
                at.OutputLength = checked(at.Rows * previousOutputRow);
                outputs += at.OutputLength;
                largest = Math.Max(largest, at.OutputLength);
            }
        }

        long total = outputs;
        for (int i = 0; i < n; i++)
        {
            ref Position at = ref positions[i];
            at.SavedOffset = checked((int)total);
            at.SavedLength = _layers[i].SavedLength(at.Rows);
            total += at.SavedLength;
        }

        return new Plan(rows, positions, largest, checked((int)total));
    }

    /// <summary>Where every child runs for one batch size; never changed once made, so threads may share it.</summary>
    private sealed class Plan(int rows, Position[] positions, int largestIntermediate, int savedLength)
    {
        /// <summary>The batch size (rows of this Sequential's input) the plan is for.</summary>
        public readonly int Rows = rows;

        /// <summary>Per position (child), where it runs.</summary>
        public readonly Position[] Positions = positions;

        /// <summary>The longest output of children 0 .. n-2: what the backward's gradient scratch must hold.</summary>
        public readonly int LargestIntermediate = largestIntermediate;

        /// <summary>The saved length for <see cref="Rows"/>.</summary>
        public readonly int SavedLength = savedLength;
    }

    /// <summary>Where one child runs in a plan.</summary>
    private struct Position
    {
        /// <summary>The rows the child sees.</summary>
        public int Rows;

        /// <summary>Where the child's output lives in the saved buffer, and its length (children 0 .. n-2 only).</summary>
        public int OutputOffset;

        public int OutputLength;

        /// <summary>Where the child's own saved region starts in the saved buffer, and its length.</summary>
        public int SavedOffset;

        public int SavedLength;
    }
}
