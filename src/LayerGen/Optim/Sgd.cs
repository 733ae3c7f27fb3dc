using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        OptimArguments.SameLength(parameter, gradient, nameof(gradient));

        // Python floats reach PyTorch's float32 kernels rounded to float: round them the same way.
        float negLr = (float)-LearningRate;
        float decay = (float)_weightDecay;
        bool decays = _weightDecay != 0;
        ref float p = ref MemoryMarshal.GetReference(parameter);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        if (_momentum == 0)
        {
            // Weight decay as a type argument, not a flag field: four fields, which the JIT keeps in registers
            // (a five-field update was re-read from the stack on every vector: 2.5× slower on 2K floats).
            if (decays)
            {
                ElementwiseUpdate.Run(new Plain<WithDecay>(ref p, ref g, decay, negLr), parameter.Length);
            }
            else
            {
                ElementwiseUpdate.Run(new Plain<NoDecay>(ref p, ref g, decay, negLr), parameter.Length);
            }

            return;
        }

        Span<float> buffer = _buffers[index];
        OptimArguments.SameLength(parameter, buffer, nameof(buffer));
        ref float b = ref MemoryMarshal.GetReference(buffer);
        float momentum = (float)_momentum;
        if (!_initialised[index])
        {
            _initialised[index] = true;
            ElementwiseUpdate.Run(new First(ref p, ref g, ref b, decays, decay, momentum, _nesterov, negLr), parameter.Length);
        }
        else
        {
            ElementwiseUpdate.Run(new Later(ref p, ref g, ref b, decays, decay, momentum, (float)(1 - _dampening), _nesterov, negLr), parameter.Length);
        }
    }

    // g + wd * p when weight decay is on (PyTorch adds it to the gradient before momentum; p.Grad is not changed).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Decayed<T, TLanes>(T g, T p, bool decays, float decay)
        where T : struct
        where TLanes : struct, ILanes<T> =>
        decays ? TLanes.Add(g, TLanes.Multiply(TLanes.Splat(decay), p)) : g;

    // Plain's weight-decay switch, a type so that the JIT compiles the unused branch away.
    private struct WithDecay;

    private struct NoDecay;

    // p = p + (-lr) * (g + wd * p), or p + (-lr) * g for NoDecay
    private readonly ref struct Plain<TDecay>(ref float p, ref float g, float decay, float negLr) : IElementwiseUpdate
        where TDecay : struct
    {
        private readonly ref float _p = ref p;

        public ref float Written => ref _p;
        private readonly ref float _g = ref g; // read only
        private readonly float _decay = decay;
        private readonly float _negLr = negLr;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<T, TLanes>(nuint i)
            where T : struct
            where TLanes : struct, ILanes<T>
        {
            ref float p = ref Unsafe.Add(ref _p, i);
            T vp = TLanes.Load(ref p);
            T vg = Decayed<T, TLanes>(TLanes.Load(ref Unsafe.Add(ref _g, i)), vp, typeof(TDecay) == typeof(WithDecay), _decay);
            TLanes.Store(ref p, TLanes.Add(vp, TLanes.Multiply(TLanes.Splat(_negLr), vg)));
        }
    }

    // The first step of a parameter: buf = g (cloned, no dampening); d = nesterov ? g + m * buf : buf; p = p + (-lr) * d
    private readonly ref struct First(ref float p, ref float g, ref float buf, bool decays, float decay, float momentum, bool nesterov, float negLr) : IElementwiseUpdate
    {
        private readonly ref float _p = ref p;

        public ref float Written => ref _p;
        private readonly ref float _g = ref g; // read only
        private readonly ref float _buf = ref buf;
        private readonly bool _decays = decays;
        private readonly float _decay = decay;
        private readonly float _momentum = momentum;
        private readonly bool _nesterov = nesterov;
        private readonly float _negLr = negLr;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<T, TLanes>(nuint i)
            where T : struct
            where TLanes : struct, ILanes<T>
        {
            ref float p = ref Unsafe.Add(ref _p, i);
            T vp = TLanes.Load(ref p);
            T vg = TLanes.Load(ref Unsafe.Add(ref _g, i));
            vg = Decayed<T, TLanes>(vg, vp, _decays, _decay);

            TLanes.Store(ref Unsafe.Add(ref _buf, i), vg);
            T d = _nesterov ? TLanes.Add(vg, TLanes.Multiply(TLanes.Splat(_momentum), vg)) : vg;
            TLanes.Store(ref p, TLanes.Add(vp, TLanes.Multiply(TLanes.Splat(_negLr), d)));
        }
    }

    // Later steps: buf = buf * m + (1 - dampening) * g; d = nesterov ? g + m * buf : buf; p = p + (-lr) * d
    private readonly ref struct Later(ref float p, ref float g, ref float buf, bool decays, float decay, float momentum, float keep, bool nesterov, float negLr) : IElementwiseUpdate
    {
        private readonly ref float _p = ref p;

        public ref float Written => ref _p;
        private readonly ref float _g = ref g; // read only
        private readonly ref float _buf = ref buf;
        private readonly bool _decays = decays;
        private readonly float _decay = decay;
        private readonly float _momentum = momentum;
        private readonly float _keep = keep;
        private readonly bool _nesterov = nesterov;
        private readonly float _negLr = negLr;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<T, TLanes>(nuint i)
            where T : struct
            where TLanes : struct, ILanes<T>
        {
            ref float p = ref Unsafe.Add(ref _p, i);
            ref float buf = ref Unsafe.Add(ref _buf, i);
            T vp = TLanes.Load(ref p);
            T vg = TLanes.Load(ref Unsafe.Add(ref _g, i));
            vg = Decayed<T, TLanes>(vg, vp, _decays, _decay);

            T vb = TLanes.Add(TLanes.Multiply(TLanes.Load(ref buf), TLanes.Splat(_momentum)), TLanes.Multiply(TLanes.Splat(_keep), vg));
            TLanes.Store(ref buf, vb);
            T d = _nesterov ? TLanes.Add(vg, TLanes.Multiply(TLanes.Splat(_momentum), vb)) : vb;
            TLanes.Store(ref p, TLanes.Add(vp, TLanes.Multiply(TLanes.Splat(_negLr), d)));
        }
    }
}
