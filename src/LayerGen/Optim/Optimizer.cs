using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace LayerGen;

/// <summary>
/// The base of every optimiser, like PyTorch's <c>torch.optim.Optimizer</c> with one parameter group:
/// a fixed list of parameters, a <see cref="LearningRate"/>, <see cref="ZeroGrad"/> and <see cref="Step"/>.
/// </summary>
/// <remarks>
/// <para>The parameter list is taken once, at construction, and de-duplicated by reference: parameter
/// sharing is object identity, so a tensor listed twice (or reached through two layers) is updated once
/// per <see cref="Step"/>, as in PyTorch.</para>
/// <para>Hyper-parameters are <see cref="double"/>, like PyTorch's Python floats (so <c>lr: 0.01</c> needs no
/// <c>f</c> suffix); scalars derived from them (bias corrections, step sizes) are computed in double and
/// rounded to float once per step, exactly where PyTorch hands a Python float to a float32 kernel. The
/// element-wise updates then run in float, in PyTorch's order of operations, written once over
/// <c>ILanes</c> and run by <c>ElementwiseUpdate</c> with the widest vectors the machine accelerates
/// (Vector512, then 256, 128, then single floats for the tail), without fused multiply-adds, so every
/// width gives bit-identical results and a run does not depend on the machine's vector width.</para>
/// <para>State (momentum and moment buffers) is allocated at construction, so a <see cref="Step"/>
/// allocates nothing. Not thread-safe.</para>
/// </remarks>
public abstract class Optimizer
{
    private readonly Tensor[] _parameters;
    private double _learningRate;

    /// <summary>Takes the parameters to optimise (de-duplicated by reference) and the initial learning rate.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds null, or holds a non-leaf tensor (one computed by an operation).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or not finite.</exception>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        LearningRate = learningRate;
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var unique = new List<Tensor>();
        foreach (Tensor? parameter in parameters)
        {
            if (parameter is null)
            {
                throw new ArgumentException("The parameter list holds a null tensor.", nameof(parameters));
            }

            if (!parameter.IsLeaf)
            {
                throw new ArgumentException("can't optimize a non-leaf Tensor", nameof(parameters));
            }

            if (seen.Add(parameter))
            {
                unique.Add(parameter);
            }
        }

        if (unique.Count == 0)
        {
            throw new ArgumentException("optimizer got an empty parameter list", nameof(parameters));
        }

        _parameters = unique.ToArray();
        Parameters = Array.AsReadOnly(_parameters);
    }

    /// <summary>The parameters this optimiser updates, each once, in first-seen order.</summary>
    public ReadOnlyCollection<Tensor> Parameters { get; }

    /// <summary>
    /// The learning rate the next <see cref="Step"/> uses (PyTorch's <c>param_groups[0]["lr"]</c>);
    /// a <see cref="LearningRateSchedule"/> sets it once per epoch.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Invalid learning rate: {value}");
            }

            _learningRate = value;
        }
    }

    /// <summary>Zeroes every parameter's gradient in place (keeping the buffers); a parameter without one is left without one.</summary>
    /// <remarks>PyTorch 2 sets gradients to None instead; zeroing keeps a training loop free of allocations.</remarks>
    public void ZeroGrad()
    {
        foreach (Tensor parameter in _parameters)
        {
            parameter.ZeroGrad();
        }
    }

    /// <summary>
    /// Updates every parameter from its <see cref="Tensor.Grad"/>, once. Parameters whose gradient is null,
    /// and frozen parameters (<see cref="Tensor.RequiresGrad"/> false, even with a gradient left from before
    /// they were frozen), are skipped and their state (momentum, step count) does not advance, as in PyTorch,
    /// where a frozen parameter has no gradient. The flag is read on every step, so freezing or unfreezing
    /// between steps takes effect on the next one.
    /// </summary>
    public void Step()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            StepParameter(i);
        }
    }

    /// <summary>
    /// The part of <see cref="Step"/> for parameter <paramref name="index"/> alone. Each parameter's update
    /// reads only its own gradient and state, so updating every parameter once this way, in any order, is
    /// <see cref="Step"/>; the <see cref="Trainer"/> uses it to update a layer's parameters as soon as the
    /// backward pass is done with them, while they are still in cache.
    /// </summary>
    internal void StepParameter(int index)
    {
        Tensor parameter = _parameters[index];
        if (parameter.RequiresGrad && parameter.Grad is Tensor grad)
        {
            Update(index, parameter.Data, grad.Data);
        }
    }

    /// <summary>Allocates one float buffer per parameter, the same length as that parameter; for subclasses' state.</summary>
    protected float[][] AllocatePerParameter()
    {
        var buffers = new float[_parameters.Length][];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = new float[_parameters[i].Count];
        }

        return buffers;
    }

    /// <summary>Applies one update to parameter <paramref name="index"/> (its position in <see cref="Parameters"/>).</summary>
    /// <param name="index">Which parameter, so that subclasses can find its state.</param>
    /// <param name="parameter">The parameter's storage, updated in place.</param>
    /// <param name="gradient">Its gradient, the same length; must not be modified.</param>
    protected abstract void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient);
}
