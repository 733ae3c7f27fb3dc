using System;

namespace LayerGen;

/// <summary>
/// Mini-batches over an in-memory data set — features [n, featureCount] with integer labels [n] or
/// float targets [n, targetCount] — like PyTorch's <c>DataLoader</c> over a <c>TensorDataset</c>: batch
/// size, seeded shuffling, drop-last; and no allocation per batch.
/// </summary>
/// <remarks>
/// <para>Each <c>foreach</c> is one epoch:</para>
/// <code>
/// var batches = new MiniBatches(features, 64, labels, batchSize: 32, shuffleSeed: 7);
/// for (int epoch = 0; epoch &lt; 10; epoch++)
/// {
///     foreach (MiniBatch batch in batches)
///     {
///         optimizer.ZeroGrad();
///         Tensor loss = ...(net.Call(batch.Features), batch.Labels);
///         loss.Backward();
///         optimizer.Step();
///     }
/// }
/// </code>
/// <para><b>Order.</b> Without a seed the samples come in order. With one, epoch k visits them in a
/// Fisher–Yates permutation drawn from a private xoshiro256** stream seeded from (seed, k): the same
/// seed gives the same order on every run and machine, the global <see cref="RandomSource"/> is neither
/// read nor advanced, and setting <see cref="NextEpoch"/> resumes a run with the order it would have had.</para>
/// <para><b>Memory.</b> The data are not copied (later changes to the arrays are seen by later batches);
/// each batch is copied into buffers allocated once at construction and reused (see
/// <see cref="MiniBatch"/>), and the enumerator is a struct, so a warm epoch allocates nothing. As a
/// consequence one instance serves one epoch at a time: starting another <c>foreach</c> invalidates the
/// first, whose next <c>MoveNext</c> throws. For the same reason this type is deliberately not an
/// <see cref="System.Collections.Generic.IEnumerable{T}"/>: a LINQ call would silently start an epoch.</para>
/// <para>Not thread-safe.</para>
/// </remarks>
public sealed class MiniBatches
{
    private readonly ReadOnlyMemory<float> _features;
    private readonly ReadOnlyMemory<int> _labels;   // empty when the data set has float targets
    private readonly ReadOnlyMemory<float> _targets; // empty when it has labels
    private readonly bool _hasLabels;
    private readonly int[] _order;                  // the current epoch's permutation of 0..n-1
    private readonly Buffers? _full;                // [batchSize, ...]
    private readonly Buffers? _last;                // [n % batchSize, ...], when kept
    private long _pass;                             // counts started epochs, to invalidate older enumerators

    /// <summary>Batches of features with integer labels (class indices), e.g. for cross-entropy.</summary>
    /// <param name="features">Row-major [n, <paramref name="featureCount"/>] features.</param>
    /// <param name="featureCount">Features per sample, &gt; 0.</param>
    /// <param name="labels">One label per sample; their number is n.</param>
    /// <param name="batchSize">Samples per batch, &gt; 0.</param>
    /// <param name="shuffleSeed">Null to keep the data set's order; otherwise the seed of the per-epoch shuffle.</param>
    /// <param name="dropLast">Drop the last batch when it would be smaller than <paramref name="batchSize"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">The array lengths disagree.</exception>
    public MiniBatches(ReadOnlyMemory<float> features, int featureCount, ReadOnlyMemory<int> labels, int batchSize, ulong? shuffleSeed = null, bool dropLast = false)
        : this(features, featureCount, labels, hasLabels: true, default, targetCount: 0, batchSize, shuffleSeed, dropLast)
    {
    }

    /// <summary>Batches of features with float targets, e.g. for regression.</summary>
    /// <param name="features">Row-major [n, <paramref name="featureCount"/>] features.</param>
    /// <param name="featureCount">Features per sample, &gt; 0.</param>
    /// <param name="targets">Row-major [n, <paramref name="targetCount"/>] targets.</param>
    /// <param name="targetCount">Target values per sample, &gt; 0.</param>
    /// <param name="batchSize">Samples per batch, &gt; 0.</param>
    /// <param name="shuffleSeed">Null to keep the data set's order; otherwise the seed of the per-epoch shuffle.</param>
    /// <param name="dropLast">Drop the last batch when it would be smaller than <paramref name="batchSize"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">The array lengths disagree.</exception>
    public MiniBatches(ReadOnlyMemory<float> features, int featureCount, ReadOnlyMemory<float> targets, int targetCount, int batchSize, ulong? shuffleSeed = null, bool dropLast = false)
        : this(features, featureCount, default, hasLabels: false, targets, targetCount, batchSize, shuffleSeed, dropLast)
    {
    }

    private MiniBatches(
        ReadOnlyMemory<float> features,
        int featureCount,
        ReadOnlyMemory<int> labels,
        bool hasLabels,
        ReadOnlyMemory<float> targets,
        int targetCount,
        int batchSize,
        ulong? shuffleSeed,
        bool dropLast)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (!hasLabels)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCount);
        }

        int n = hasLabels ? labels.Length : targets.Length / targetCount;
        if (!hasLabels && targets.Length != (long)n * targetCount)
        {
            throw new ArgumentException(
                $"{targets.Length} target values are not a whole number of rows of {targetCount}.", nameof(targets));
        }

        if (features.Length != (long)n * featureCount)
        {
            throw new ArgumentException(
                $"{features.Length} feature values do not make {n} samples of {featureCount} features (expected {(long)n * featureCount}).",
                nameof(features));
        }

        _features = features;
        _labels = labels;
        _targets = targets;
        _hasLabels = hasLabels;
        SampleCount = n;
        FeatureCount = featureCount;
        TargetCount = targetCount;
        BatchSize = batchSize;
        ShuffleSeed = shuffleSeed;
        DropLast = dropLast;

        int fullBatches = n / batchSize;
        int remainder = n % batchSize;
        BatchCount = fullBatches + (remainder > 0 && !dropLast ? 1 : 0);
        _full = fullBatches > 0 ? new Buffers(batchSize, featureCount, hasLabels, targetCount) : null;
        _last = remainder > 0 && !dropLast ? new Buffers(remainder, featureCount, hasLabels, targetCount) : null;
        _order = new int[n];
        ResetOrder();
    }

    /// <summary>The number of samples n in the data set.</summary>
    public int SampleCount { get; }

    /// <summary>Features per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>Target values per sample; 0 when the data set has integer labels.</summary>
    public int TargetCount { get; }

    /// <summary>Whether batches carry <see cref="MiniBatch.Labels"/> (otherwise <see cref="MiniBatch.Targets"/>).</summary>
    public bool HasLabels => _hasLabels;

    /// <summary>Samples per full batch.</summary>
    public int BatchSize { get; }

    /// <summary>The seed of the per-epoch shuffle, or null when the order is the data set's.</summary>
    public ulong? ShuffleSeed { get; }

    /// <summary>Whether a last, smaller batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount { get; }

    /// <summary>
    /// The number of the epoch the next <c>foreach</c> runs (0 at first, one more after each): with
    /// shuffling, its order depends only on the seed and this number.
    /// </summary>
    public int NextEpoch
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>Starts the next epoch (shuffling, if seeded) and enumerates its batches.</summary>
    public Enumerator GetEnumerator()
    {
        int epoch = NextEpoch;
        NextEpoch = checked(epoch + 1);
        if (ShuffleSeed is ulong seed)
        {
            Shuffle(seed, epoch);
        }

        _pass++;
        return new Enumerator(this, _pass);
    }

    /// <summary>Copies batch <paramref name="index"/> of the current order into its buffers.</summary>
    private MiniBatch Fill(int index)
    {
        int start = index * BatchSize;
        Buffers buffers = (index < SampleCount / BatchSize ? _full : _last)!;
        int count = buffers.Count;
        ReadOnlySpan<float> features = _features.Span;
        Span<float> x = buffers.Features.Data;
        int f = FeatureCount;
        for (int r = 0; r < count; r++)
        {
            int sample = _order[start + r];
            features.Slice(sample * f, f).CopyTo(x.Slice(r * f, f));
        }

        if (buffers.Labels is int[] labelBuffer)
        {
            ReadOnlySpan<int> labels = _labels.Span;
            for (int r = 0; r < count; r++)
            {
                labelBuffer[r] = labels[_order[start + r]];
            }
        }

        if (buffers.Targets is Tensor targetBuffer)
        {
            ReadOnlySpan<float> targets = _targets.Span;
            Span<float> y = targetBuffer.Data;
            int t = TargetCount;
            for (int r = 0; r < count; r++)
            {
                targets.Slice(_order[start + r] * t, t).CopyTo(y.Slice(r * t, t));
            }
        }

        return new MiniBatch(index, buffers.Features, buffers.Labels, buffers.Targets, _order, start);
    }

    private void ResetOrder()
    {
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }
    }

    // Fisher–Yates from the identity, so epoch k's order does not depend on the epochs before it.
    private void Shuffle(ulong seed, int epoch)
    {
        ResetOrder();
        ulong x = seed;
        ulong key = Xoshiro256StarStar.SplitMix64(ref x) + (ulong)epoch;
        var random = new Xoshiro256StarStar(Xoshiro256StarStar.SplitMix64(ref key));
        for (int i = _order.Length - 1; i > 0; i--)
        {
            int j = random.NextBelow(i + 1);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
    }

    /// <summary>Enumerates one epoch's batches; a struct, so <c>foreach</c> allocates nothing.</summary>
    public struct Enumerator
    {
        private readonly MiniBatches _owner;
        private readonly long _pass;
        private int _index;
        private MiniBatch _current;

        internal Enumerator(MiniBatches owner, long pass)
        {
            _owner = owner;
            _pass = pass;
            _index = -1;
            _current = default;
        }

        /// <summary>The current batch (valid until the next <see cref="MoveNext"/>).</summary>
        public readonly MiniBatch Current => _current;

        /// <summary>Fills the next batch's buffers; false after the last batch.</summary>
        /// <exception cref="InvalidOperationException">Another epoch of the same <see cref="MiniBatches"/> has started since this one.</exception>
        public bool MoveNext()
        {
            if (_owner._pass != _pass)
            {
                throw new InvalidOperationException(
                    "Another epoch of these mini-batches has started: a MiniBatches instance serves one foreach at a time, because its batches share buffers.");
            }

            if (_index + 1 >= _owner.BatchCount)
            {
                _index = _owner.BatchCount;
                return false;
            }

            _index++;
            _current = _owner.Fill(_index);
            return true;
        }
    }

    // One exactly sized set of batch buffers.
    private sealed class Buffers(int count, int featureCount, bool hasLabels, int targetCount)
    {
        public int Count { get; } = count;

        public Tensor Features { get; } = new(count, featureCount);

        public int[]? Labels { get; } = hasLabels ? new int[count] : null;

        public Tensor? Targets { get; } = hasLabels ? null : new Tensor(count, targetCount);
    }
}
