using System;

namespace LayerGen;

/// <summary>
/// One mini-batch from <see cref="MiniBatches"/>: views of buffers the iterator owns and reuses, valid
/// until it produces the next batch (copy what you need to keep).
/// </summary>
/// <remarks>
/// Every full batch shares one set of buffers, and the last, partial batch (when
/// <see cref="MiniBatches.DropLast"/> is off) has its own preallocated, exactly sized set, so
/// <see cref="Features"/> is always exactly [<see cref="Count"/>, featureCount] and can go straight into
/// <see cref="ILayer.Call"/>, or as <c>Features.Data</c> into the span API.
/// </remarks>
public readonly struct MiniBatch
{
    private readonly int[]? _labels;
    private readonly Tensor? _targets;
    private readonly int[] _order;
    private readonly int _start;

    internal MiniBatch(int index, Tensor features, int[]? labels, Tensor? targets, int[] order, int start)
    {
        Index = index;
        Features = features;
        _labels = labels;
        _targets = targets;
        _order = order;
        _start = start;
    }

    /// <summary>The batch's position in its epoch, from 0.</summary>
    public int Index { get; }

    /// <summary>The number of samples in the batch (the batch size, or fewer for the last batch).</summary>
    public int Count => Features.Size(0);

    /// <summary>The samples' features, [<see cref="Count"/>, featureCount]; a leaf that does not require grad.</summary>
    public Tensor Features { get; }

    /// <summary>The samples' integer labels (class indices), <see cref="Count"/> of them.</summary>
    /// <exception cref="InvalidOperationException">The iterator was built with float targets, not labels.</exception>
    public int[] Labels => _labels ?? throw new InvalidOperationException("These mini-batches have float targets, not integer labels: use Targets.");

    /// <summary>The samples' float targets, [<see cref="Count"/>, targetCount].</summary>
    /// <exception cref="InvalidOperationException">The iterator was built with integer labels, not targets.</exception>
    public Tensor Targets => _targets ?? throw new InvalidOperationException("These mini-batches have integer labels, not float targets: use Labels.");

    /// <summary>Which samples (rows of the data set) the batch holds, in batch order.</summary>
    public ReadOnlySpan<int> SampleIndices => _order.AsSpan(_start, Count);
}
