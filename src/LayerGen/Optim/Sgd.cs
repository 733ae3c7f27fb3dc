using System;
using System.Collections.Generic;
using System.Numerics;

namespace LayerGen;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and (L2) weight
/// decay, with <c>torch.optim.SGD</c>'s update, element for element.
/// </summary>
/// <remarks>
/// For each parameter p with gradient g, in PyTorch's order:
/// <code>
/// g = g + weightDecay * p                          (if weightDecay != 0; p.Grad itself is not changed)
/// if momentum != 0:
///     buf = g                                      (first step of this parameter: no dampening)
///     buf = buf * momentum + (1 - dampening) * g   (later steps)
///     g = nesterov ? g + momentum * buf : buf
/// p = p + (-lr) * g
/// </code>
/// The momentum buffers are allocated at construction (none without momentum).
/// </remarks>
public sealed class Sgd : Optimizer
{
    private readonly double _momentum;
    private readonly double _dampening;
    private readonly double _weightDecay;
    private readonly bool _nesterov;
    private readonly float[][] _buffers;   // empty without momentum
    private readonly bool[] _initialised;  // whether buffer i holds a value (set on its first step)

    /// <summary>Creates the optimiser; the arguments are PyTorch's, with its checks.</summary>
    /// <param name="parameters">What to optimise, e.g. <c>net.Parameters()</c>; de-duplicated by reference.</param>
    /// <param name="learningRate">PyTorch's <c>lr</c>.</param>
    /// <param name="momentum">The momentum factor (0 = plain SGD).</param>
    /// <param name="dampening">Scales the new gradient in the momentum update after the first step: (1 - dampening) * g.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum &gt; 0 and dampening = 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is negative or not finite.</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum or with dampening; or see <see cref="Optimizer(IEnumerable{Tensor}, double)"/>.</exception>
    public Sgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameters, learningRate)
    {
        OptimArguments.NonNegative(momentum, nameof(momentum), "momentum value");
        OptimArguments.Finite(dampening, nameof(dampening), "dampening value");
        OptimArguments.NonNegative(weightDecay, nameof(weightDecay), "weight_decay value");
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening", nameof(nesterov));
        }

        _momentum = momentum;
        _dampening = dampening;
        _weightDecay = weightDecay;
        _nesterov = nesterov;
        _buffers = momentum != 0 ? AllocatePerParameter() : [];
        _initialised = new bool[Parameters.Count];
    }

    /// <summary>The momentum factor.</summary>
    public double Momentum => _momentum;

    /// <summary>The dampening of the momentum update.</summary>
    public double Dampening => _dampening;

    /// <summary>The L2 penalty added to the gradient.</summary>
    public double WeightDecay => _weightDecay;

    /// <summary>Whether the update uses Nesterov momentum.</summary>
    public bool Nesterov => _nesterov;

    /// <inheritdoc/>
    protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient)
    {
        // Python floats reach PyTorch's float32 kernels rounded to float: round them the same way.
        float negLr = (float)-LearningRate;
        float decay = (float)_weightDecay;
        bool decays = _weightDecay != 0;
        if (_momentum == 0)
        {
            Plain(parameter, gradient, decays, decay, negLr);
            return;
        }

        Span<float> buffer = _buffers[index];
        float momentum = (float)_momentum;
        if (!_initialised[index])
        {
            _initialised[index] = true;
            First(parameter, gradient, buffer, decays, decay, momentum, negLr);
        }
        else
        {
            Later(parameter, gradient, buffer, decays, decay, momentum, (float)(1 - _dampening), negLr);
        }
    }

    // p = p + (-lr) * (g + wd * p)
    private static void Plain(Span<float> p, ReadOnlySpan<float> g, bool decays, float decay, float negLr)
    {
        int i = 0;
        var vDecay = new Vector<float>(decay);
        var vNegLr = new Vector<float>(negLr);
        for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var vp = new Vector<float>(p[i..]);
            var vg = new Vector<float>(g[i..]);
            if (decays)
            {
                vg += vDecay * vp;
            }

            (vp + vNegLr * vg).CopyTo(p[i..]);
        }

        for (; i < p.Length; i++)
        {
            float gi = decays ? g[i] + decay * p[i] : g[i];
            p[i] = p[i] + negLr * gi;
        }
    }

    // buf = g (cloned, no dampening); d = nesterov ? g + m * buf : buf; p = p + (-lr) * d
    private void First(Span<float> p, ReadOnlySpan<float> g, Span<float> buf, bool decays, float decay, float momentum, float negLr)
    {
        int i = 0;
        var vDecay = new Vector<float>(decay);
        var vMomentum = new Vector<float>(momentum);
        var vNegLr = new Vector<float>(negLr);
        for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var vp = new Vector<float>(p[i..]);
            var vg = new Vector<float>(g[i..]);
            if (decays)
            {
                vg += vDecay * vp;
            }

            vg.CopyTo(buf[i..]);
            Vector<float> d = _nesterov ? vg + vMomentum * vg : vg;
            (vp + vNegLr * d).CopyTo(p[i..]);
        }

        for (; i < p.Length; i++)
        {
            float gi = decays ? g[i] + decay * p[i] : g[i];
            buf[i] = gi;
            float d = _nesterov ? gi + momentum * gi : gi;
            p[i] = p[i] + negLr * d;
        }
    }

    // buf = buf * m + (1 - dampening) * g; d = nesterov ? g + m * buf : buf; p = p + (-lr) * d
    private void Later(Span<float> p, ReadOnlySpan<float> g, Span<float> buf, bool decays, float decay, float momentum, float keep, float negLr)
    {
        int i = 0;
        var vDecay = new Vector<float>(decay);
        var vMomentum = new Vector<float>(momentum);
        var vKeep = new Vector<float>(keep);
        var vNegLr = new Vector<float>(negLr);
        for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var vp = new Vector<float>(p[i..]);
            var vg = new Vector<float>(g[i..]);
            if (decays)
            {
                vg += vDecay * vp;
            }

            Vector<float> vb = new Vector<float>(buf[i..]) * vMomentum + vKeep * vg;
            vb.CopyTo(buf[i..]);
            Vector<float> d = _nesterov ? vg + vMomentum * vb : vb;
            (vp + vNegLr * d).CopyTo(p[i..]);
        }

        for (; i < p.Length; i++)
        {
            float gi = decays ? g[i] + decay * p[i] : g[i];
            float b = buf[i] * momentum + keep * gi;
            buf[i] = b;
            float d = _nesterov ? gi + momentum * b : b;
            p[i] = p[i] + negLr * d;
        }
    }
}
