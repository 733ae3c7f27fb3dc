using System;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// A case without parameters (CenteredLayer, FourierHalf): the step is forward, MSE against a fixed
/// target, and backward to the input gradient — the only gradient there is, so no optimiser. LayerGen
/// runs the layer's and the loss's span API over caller-owned buffers (cache-line aligned, as the hand
/// version's and the Trainer's are); the eager path runs CallEager with x.RequiresGrad and Tensor.Backward.
/// </summary>
public abstract class InputGradientCase : CaseBase
{
    protected readonly int N;
    protected readonly Buf X;
    protected readonly Buf T;

    private readonly ILayer _layer;
    private readonly MseLoss _mse = new();
    private readonly int _rows;
    private readonly int _lossRows;
    private readonly Buf _out;
    private readonly Buf _saved;
    private readonly Buf _dy;
    private readonly Buf _dx;
    private readonly Buf _lossSaved;

    private readonly Func<Tensor, Tensor> _eager;
    private readonly MseLoss _eagerMse = new();
    private readonly Tensor _ex;
    private readonly Tensor _et;
    private Tensor? _eagerOut;

    protected InputGradientCase(float lr, int[] inputShape, int[] outputShape, ILayer layer, Func<Tensor, Tensor> eager)
        : base(lr)
    {
        var x = Randn(11, inputShape);
        var t = Randn(12, outputShape);
        N = x.Length;
        X = new Buf(x);
        T = new Buf(t);
        _layer = layer;
        _rows = N / layer.InputRowLength;
        _lossRows = t.Length / _mse.InputRowLength;
        _out = new Buf(_rows * layer.OutputRowLength);
        _saved = new Buf(layer.SavedLength(_rows));
        _dy = new Buf(_out.Length);
        _dx = new Buf(N);
        _lossSaved = new Buf(_mse.SavedLength(_lossRows));

        _eager = eager;
        _ex = Tensor.From(x, inputShape);
        _ex.RequiresGrad = true;
        _et = Tensor.From(t, outputShape);
    }

    public override string Kernels => KernelList(_layer) + "; loss " + _mse.KernelName;

    public override string StepDescription => "forward, MSE vs fixed target, backward to dL/dx (no parameters, no optimiser)";

    public sealed override float LayerGenForward()
    {
        _layer.ForwardSpan(_rows, X.Span, _out.Span, _saved.Span);
        return _out.Span[^1];
    }

    public sealed override float LayerGenStep()
    {
        ReadOnlySpan<float> x = X.Span, t = T.Span;
        Span<float> output = _out.Span, saved = _saved.Span, dy = _dy.Span, dx = _dx.Span, lossSaved = _lossSaved.Span;
        _layer.ForwardSpan(_rows, x, output, saved);
        float loss = _mse.ForwardSpan(_lossRows, output, t, lossSaved);
        dy.Clear();
        _mse.BackwardSpan(_lossRows, output, t, 1f, dy, lossSaved);
        dx.Clear();
        _layer.BackwardSpan(_rows, x, output, dy, dx, saved);
        return loss;
    }

    public sealed override float EagerForward()
    {
        using (GradMode.NoGrad())
        {
            _eagerOut = _eager(_ex);
        }

        return _eagerOut.Data[^1];
    }

    public sealed override float EagerStep()
    {
        _ex.ZeroGrad();
        var y = _eager(_ex);
        var loss = _eagerMse.CallEager(y, _et);
        loss.Backward();
        return loss.Item();
    }

    public override System.Collections.Generic.IEnumerable<(string Phase, Action Run)> LayerGenPhases()
    {
        LayerGenStep();
        yield return ("step total", () => LayerGenStep());
        yield return ($"layer.ForwardSpan ({_layer.KernelName})", () => _layer.ForwardSpan(_rows, X.Span, _out.Span, _saved.Span));
        yield return ($"loss.ForwardSpan ({_mse.KernelName})", () => _mse.ForwardSpan(_lossRows, _out.Span, T.Span, _lossSaved.Span));
        yield return ("loss.BackwardSpan (+ clear dy)", () =>
        {
            _dy.Span.Clear();
            _mse.BackwardSpan(_lossRows, _out.Span, T.Span, 1f, _dy.Span, _lossSaved.Span);
        });
        yield return ("layer.BackwardSpan (+ clear dx)", () =>
        {
            _dx.Span.Clear();
            _layer.BackwardSpan(_rows, X.Span, _out.Span, _dy.Span, _dx.Span, _saved.Span);
        });
    }

    public sealed override float[] LayerGenOutput() => _out.ToArray();

    public sealed override float[] EagerOutput() => _eagerOut!.ToArray();

    public sealed override (float[] LayerGen, float[] Hand, float[] Eager)? InputGradients() =>
        (_dx.ToArray(), HandInputGradient(), _ex.Grad!.ToArray());

    protected abstract float[] HandInputGradient();
}
