using System;
using System.Collections.Generic;
using System.Numerics;

namespace LayerGen;

/// <summary>
/// Adam (Kingma &amp; Ba), optionally AMSGrad, with <c>torch.optim.Adam</c>'s update, element for element.
/// With <c>decoupledWeightDecay</c> it is AdamW (see <see cref="AdamW"/>, which sets it).
/// </summary>
/// <remarks>
/// For each parameter p with gradient g and its own step count t (which advances only on steps
/// where p has a gradient), in PyTorch's order:
/// <code>
/// p = p * (1 - lr * weightDecay)                      (decoupled weight decay, AdamW)
/// g = g + weightDecay * p                             (L2 weight decay, Adam; p.Grad itself is not changed)
/// m = lerp(m, g, 1 - beta1)                           (m + (1 - beta1) * (g - m), PyTorch's lerp_)
/// v = v * beta2 + ((1 - beta2) * g) * g
/// vmax = max(vmax, v)                                 (AMSGrad; then vmax replaces v below)
/// denom = sqrt(v) / sqrt(1 - beta2^t) + eps
/// p = p + (-lr / (1 - beta1^t)) * m / denom
/// </code>
/// The bias corrections and the step size are computed in double, then rounded to float, as PyTorch
/// computes them in Python. The moment buffers are allocated at construction.
/// </remarks>
public class Adam : Optimizer
{
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;
    private readonly double _weightDecay;
    private readonly bool _amsgrad;
    private readonly bool _decoupled;
    private readonly float[][] _expAvg;      // m
    private readonly float[][] _expAvgSq;    // v
    private readonly float[][] _maxExpAvgSq; // vmax, empty without AMSGrad
    private readonly long[] _steps;          // t, per parameter

    /// <summary>Creates the optimiser; the arguments are PyTorch's (<c>betas=(beta1, beta2)</c>), with its checks.</summary>
    /// <param name="parameters">What to optimise, e.g. <c>net.Parameters()</c>; de-duplicated by reference.</param>
    /// <param name="learningRate">PyTorch's <c>lr</c>.</param>
    /// <param name="beta1">Decay of the running mean of gradients, in [0, 1).</param>
    /// <param name="beta2">Decay of the running mean of squared gradients, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator, after the square root (PyTorch's <c>eps</c>).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, or with <paramref name="decoupledWeightDecay"/> the decoupled decay rate.</param>
    /// <param name="amsgrad">Use the maximum of the second moments so far (AMSGrad).</param>
    /// <param name="decoupledWeightDecay">Decay the parameter directly (AdamW) instead of adding an L2 term to the gradient.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    /// <exception cref="ArgumentException">See <see cref="Optimizer(IEnumerable{Tensor}, double)"/>.</exception>
    public Adam(
        IEnumerable<Tensor> parameters,
        double learningRate = 1e-3,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8,
        double weightDecay = 0,
        bool amsgrad = false,
        bool decoupledWeightDecay = false)
        : base(parameters, learningRate)
    {
        OptimArguments.Beta(beta1, nameof(beta1), 0);
        OptimArguments.Beta(beta2, nameof(beta2), 1);
        OptimArguments.NonNegative(epsilon, nameof(epsilon), "epsilon value");
        OptimArguments.NonNegative(weightDecay, nameof(weightDecay), "weight_decay value");
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
        _amsgrad = amsgrad;
        _decoupled = decoupledWeightDecay;
        _expAvg = AllocatePerParameter();
        _expAvgSq = AllocatePerParameter();
        _maxExpAvgSq = amsgrad ? AllocatePerParameter() : [];
        _steps = new long[Parameters.Count];
    }

    /// <summary>Decay of the running mean of gradients.</summary>
    public double Beta1 => _beta1;

    /// <summary>Decay of the running mean of squared gradients.</summary>
    public double Beta2 => _beta2;

    /// <summary>Added to the denominator after the square root.</summary>
    public double Epsilon => _epsilon;

    /// <summary>The weight decay (L2, or decoupled when <see cref="DecoupledWeightDecay"/>).</summary>
    public double WeightDecay => _weightDecay;

    /// <summary>Whether the update uses AMSGrad.</summary>
    public bool Amsgrad => _amsgrad;

    /// <summary>Whether weight decay is decoupled (AdamW) rather than an L2 term in the gradient.</summary>
    public bool DecoupledWeightDecay => _decoupled;

    /// <summary>How many updates parameter <paramref name="index"/> (its position in <see cref="Optimizer.Parameters"/>) has had.</summary>
    public long StepCount(int index) => _steps[index];

    /// <inheritdoc/>
    protected sealed override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient)
    {
        long step = ++_steps[index];
        double lr = LearningRate;
        if (_decoupled && _weightDecay != 0)
        {
            Scale(parameter, (float)(1 - lr * _weightDecay));
        }

        double biasCorrection1 = 1 - Math.Pow(_beta1, step);
        double biasCorrection2 = 1 - Math.Pow(_beta2, step);
        var k = new Coefficients
        {
            Decays = !_decoupled && _weightDecay != 0,
            Decay = (float)_weightDecay,
            Weight1 = (float)(1 - _beta1),
            LerpSmall = 1 - _beta1 < 0.5,
            Beta2 = (float)_beta2,
            Weight2 = (float)(1 - _beta2),
            Correction2Sqrt = (float)Math.Sqrt(biasCorrection2),
            Epsilon = (float)_epsilon,
            NegStepSize = (float)-(lr / biasCorrection1),
        };
        k.LerpOther = 1f - k.Weight1;

        Span<float> vmax = _amsgrad ? _maxExpAvgSq[index] : default;
        Moments(parameter, gradient, _expAvg[index], _expAvgSq[index], vmax, in k);
    }

    private static void Scale(Span<float> p, float factor)
    {
        int i = 0;
        var vFactor = new Vector<float>(factor);
        for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            (new Vector<float>(p[i..]) * vFactor).CopyTo(p[i..]);
        }

        for (; i < p.Length; i++)
        {
            p[i] *= factor;
        }
    }

    // The update of one parameter; vmax is empty without AMSGrad.
    private static void Moments(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Span<float> vmax, in Coefficients k)
    {
        bool ams = !vmax.IsEmpty;
        int i = 0;
        var decay = new Vector<float>(k.Decay);
        var weight1 = new Vector<float>(k.Weight1);
        var lerpOther = new Vector<float>(k.LerpOther);
        var beta2 = new Vector<float>(k.Beta2);
        var weight2 = new Vector<float>(k.Weight2);
        var correction2Sqrt = new Vector<float>(k.Correction2Sqrt);
        var epsilon = new Vector<float>(k.Epsilon);
        var negStepSize = new Vector<float>(k.NegStepSize);
        for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var vp = new Vector<float>(p[i..]);
            var vg = new Vector<float>(g[i..]);
            if (k.Decays)
            {
                vg += decay * vp;
            }

            var vm = new Vector<float>(m[i..]);
            vm = k.LerpSmall ? vm + weight1 * (vg - vm) : vg - (vg - vm) * lerpOther;
            vm.CopyTo(m[i..]);
            Vector<float> vv = new Vector<float>(v[i..]) * beta2 + weight2 * vg * vg;
            vv.CopyTo(v[i..]);
            if (ams)
            {
                vv = Vector.Max(new Vector<float>(vmax[i..]), vv);
                vv.CopyTo(vmax[i..]);
            }

            Vector<float> denom = Vector.SquareRoot(vv) / correction2Sqrt + epsilon;
            (vp + negStepSize * vm / denom).CopyTo(p[i..]);
        }

        for (; i < p.Length; i++)
        {
            float gi = k.Decays ? g[i] + k.Decay * p[i] : g[i];
            float mi = m[i];
            mi = k.LerpSmall ? mi + k.Weight1 * (gi - mi) : gi - (gi - mi) * k.LerpOther;
            m[i] = mi;
            float vi = v[i] * k.Beta2 + k.Weight2 * gi * gi;
            v[i] = vi;
            if (ams)
            {
                vi = MathF.Max(vmax[i], vi);
                vmax[i] = vi;
            }

            float denom = MathF.Sqrt(vi) / k.Correction2Sqrt + k.Epsilon;
            p[i] = p[i] + k.NegStepSize * mi / denom;
        }
    }

    // The per-step scalars, already rounded to float where PyTorch rounds them.
    private struct Coefficients
    {
        public bool Decays;
        public float Decay;
        public float Weight1;
        public bool LerpSmall;
        public float LerpOther;
        public float Beta2;
        public float Weight2;
        public float Correction2Sqrt;
        public float Epsilon;
        public float NegStepSize;
    }
}
