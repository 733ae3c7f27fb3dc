using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    private long _correctionStep;            // the t of the cached bias corrections below (0: none yet)
    private double _biasCorrection1;         // 1 - beta1^t
    private float _correction2Sqrt;          // sqrt(1 - beta2^t), rounded to float

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
        Span<float> m = _expAvg[index];
        Span<float> v = _expAvgSq[index];
        Span<float> vmax = _amsgrad ? _maxExpAvgSq[index] : default;
        OptimArguments.SameLength(parameter, gradient, nameof(gradient));
        OptimArguments.SameLength(parameter, m, nameof(m));
        OptimArguments.SameLength(parameter, v, nameof(v));
        if (_amsgrad)
        {
            OptimArguments.SameLength(parameter, vmax, nameof(vmax));
        }

        long step = ++_steps[index];
        double lr = LearningRate;
        if (step != _correctionStep)
        {
            // Parameters usually share their step count, so the two powers are computed once per step, not once per parameter.
            _correctionStep = step;
            _biasCorrection1 = 1 - Math.Pow(_beta1, step);
            _correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(_beta2, step));
        }

        var update = new Moments(
            ref MemoryMarshal.GetReference(parameter),
            ref MemoryMarshal.GetReference(gradient),
            ref MemoryMarshal.GetReference(m),
            ref MemoryMarshal.GetReference(v),
            ref MemoryMarshal.GetReference(vmax),
            new Coefficients
            {
                Scales = _decoupled && _weightDecay != 0,
                Scale = (float)(1 - lr * _weightDecay),
                Decays = !_decoupled && _weightDecay != 0,
                Decay = (float)_weightDecay,
                Weight1 = (float)(1 - _beta1),
                LerpSmall = 1 - _beta1 < 0.5,
                LerpOther = 1f - (float)(1 - _beta1),
                Beta2 = (float)_beta2,
                Weight2 = (float)(1 - _beta2),
                Correction2Sqrt = _correction2Sqrt,
                Epsilon = (float)_epsilon,
                NegStepSize = (float)-(lr / _biasCorrection1),
                Amsgrad = _amsgrad,
            });
        ElementwiseUpdate.Run(update, parameter.Length);
    }

    // The per-step scalars, already rounded to float where PyTorch rounds them.
    private struct Coefficients
    {
        public bool Scales;
        public float Scale;
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
        public bool Amsgrad;
    }

    // The update of one parameter, element by element; vmax is only touched with AMSGrad. The decoupled
    // decay (AdamW's p *= 1 - lr * wd, a separate pass in PyTorch) is applied to each element just
    // before that element's Adam update, which reads the decayed value exactly as PyTorch's second pass does.
    private readonly ref struct Moments(ref float p, ref float g, ref float m, ref float v, ref float vmax, Coefficients k) : IElementwiseUpdate
    {
        private readonly ref float _p = ref p;

        public ref float Written => ref _p;
        private readonly ref float _g = ref g; // read only
        private readonly ref float _m = ref m;
        private readonly ref float _v = ref v;
        private readonly ref float _vmax = ref vmax;
        private readonly Coefficients _k = k;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<T, TLanes>(nuint i)
            where T : struct
            where TLanes : struct, ILanes<T>
        {
            ref float p = ref Unsafe.Add(ref _p, i);
            ref float m = ref Unsafe.Add(ref _m, i);
            ref float v = ref Unsafe.Add(ref _v, i);
            T vp = TLanes.Load(ref p);
            if (_k.Scales)
            {
                vp = TLanes.Multiply(vp, TLanes.Splat(_k.Scale));
            }

            T vg = TLanes.Load(ref Unsafe.Add(ref _g, i));
            if (_k.Decays)
            {
                vg = TLanes.Add(vg, TLanes.Multiply(TLanes.Splat(_k.Decay), vp));
            }

            // m = lerp(m, g, 1 - beta1), in PyTorch's two forms (chosen by the weight, for accuracy).
            T vm = TLanes.Load(ref m);
            vm = _k.LerpSmall
                ? TLanes.Add(vm, TLanes.Multiply(TLanes.Splat(_k.Weight1), TLanes.Subtract(vg, vm)))
                : TLanes.Subtract(vg, TLanes.Multiply(TLanes.Subtract(vg, vm), TLanes.Splat(_k.LerpOther)));
            TLanes.Store(ref m, vm);

            // v = v * beta2 + ((1 - beta2) * g) * g
            T vv = TLanes.Add(
                TLanes.Multiply(TLanes.Load(ref v), TLanes.Splat(_k.Beta2)),
                TLanes.Multiply(TLanes.Multiply(TLanes.Splat(_k.Weight2), vg), vg));
            TLanes.Store(ref v, vv);
            if (_k.Amsgrad)
            {
                ref float vmax = ref Unsafe.Add(ref _vmax, i);
                vv = TLanes.Max(TLanes.Load(ref vmax), vv);
                TLanes.Store(ref vmax, vv);
            }

            // p = p + (-lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
            T denom = TLanes.Add(TLanes.Divide(TLanes.Sqrt(vv), TLanes.Splat(_k.Correction2Sqrt)), TLanes.Splat(_k.Epsilon));
            TLanes.Store(ref p, TLanes.Add(vp, TLanes.Divide(TLanes.Multiply(TLanes.Splat(_k.NegStepSize), vm), denom)));
        }
    }
}
