using System;
using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>
/// A case with parameters: LayerGen's step is one <see cref="Trainer.Step(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>
/// (zero grads, generated forward, loss, loss backward, generated backward, SGD), its forward one
/// <see cref="ILayer.ForwardSpan"/>. The eager path runs the same layers' CallEager, the loss's
/// CallEager, Tensor.Backward and the same SGD, on a second copy of the parameters. The "in-bwd" step is a
/// second Trainer on the same model, built with <c>updateInBackward: true</c> (SGD folded into the backward,
/// no gradient stored), like the hand versions' steps. Where the generator emitted a whole-model step for the model
/// (cases 2–7: a Sequential of constant-size built-ins and user layers, or one constant-size user layer), the default
/// step runs it (<see cref="Trainer.StepName"/>);
/// the "layer-by-layer" step is a third Trainer on the same model told not to (<see cref="Trainer.UsesGeneratedStep"/>
/// false), today's step before it, for side-by-side figures.
/// </summary>
public abstract class TrainedCase : CaseBase
{
    protected readonly int Rows;
    protected readonly Buf X;
    protected readonly Buf T;

    private readonly ILayer _model;
    private readonly ILoss _loss;
    private readonly Trainer _trainer;
    private readonly Trainer _inBackwardTrainer;
    private readonly Trainer _layerByLayerTrainer;
    private readonly Sgd _sgd;
    private readonly float[] _out;
    private readonly Buf _saved;
    private readonly float[] _dy;
    private readonly float[] _lossSaved;
    private readonly int _lossRows;

    private readonly Func<Tensor, Tensor> _eagerForward;
    private readonly Func<Tensor, Tensor, Tensor> _eagerLoss;
    private readonly Sgd _eagerSgd;
    private readonly Tensor _ex;
    private readonly Tensor _et;
    private Tensor? _eagerOut;

    protected TrainedCase(
        float lr,
        int rows,
        float[] x,
        float[] target,
        int[] targetShape,
        ILayer model,
        ILoss loss,
        ILayer eagerModel,
        Func<Tensor, Tensor> eagerForward,
        Func<Tensor, Tensor, Tensor> eagerLoss)
        : base(lr)
    {
        Rows = rows;
        X = new Buf(x);
        T = new Buf(target);
        _model = model;
        _loss = loss;
        _sgd = new Sgd(model.Parameters(), lr);
        _out = new float[rows * model.OutputRowLength];
        _saved = new Buf(model.SavedLength(rows));
        _trainer = new Trainer(model, loss, _sgd, maxRows: rows);
        _inBackwardTrainer = new Trainer(model, loss, new Sgd(model.Parameters(), lr), maxRows: rows, updateInBackward: true);
        _layerByLayerTrainer = new Trainer(model, loss, new Sgd(model.Parameters(), lr), maxRows: rows) { UsesGeneratedStep = false };
        // These buffers serve the --breakdown timings, phase by phase.
        _dy = new float[_out.Length];
        _lossRows = _out.Length / loss.InputRowLength;
        _lossSaved = new float[loss.SavedLength(_lossRows)];

        _eagerForward = eagerForward;
        _eagerLoss = eagerLoss;
        _eagerSgd = new Sgd(eagerModel.Parameters(), lr);
        _ex = Tensor.From(x, rows, x.Length / rows);
        _et = Tensor.From(target, targetShape);
        EagerModel = eagerModel;
    }

    protected ILayer EagerModel { get; }

    public override string Kernels => KernelList(_model) + "; loss " + _loss.KernelName + "; step: " + _trainer.StepName;

    public override string StepDescription => $"Trainer.Step: zero grads, forward, {_loss.LossName}, backward, SGD lr={Lr}";

    public sealed override float LayerGenForward()
    {
        _model.ForwardSpan(Rows, X.Span, _out, _saved.Span);
        return _out[^1];
    }

    public sealed override float LayerGenStep() => _trainer.Step(X.Span, T.Span, Rows);

    /// <summary>The same step with the SGD update folded into the backward (no gradient stored).</summary>
    public float LayerGenInBackwardStep() => _inBackwardTrainer.Step(X.Span, T.Span, Rows);

    /// <summary>The step through each layer's span API (today's step before the generated one), for comparison.</summary>
    public float LayerGenLayerByLayerStep() => _layerByLayerTrainer.Step(X.Span, T.Span, Rows);

    public sealed override float EagerForward()
    {
        using (GradMode.NoGrad())
        {
            _eagerOut = _eagerForward(_ex);
        }

        return _eagerOut.Data[^1];
    }

    public sealed override float EagerStep()
    {
        _eagerSgd.ZeroGrad();
        var y = _eagerForward(_ex);
        var loss = _eagerLoss(y, _et);
        loss.Backward();
        _eagerSgd.Step();
        return loss.Item();
    }

    public sealed override float[] LayerGenOutput() => (float[])_out.Clone();

    public sealed override float[] EagerOutput() => _eagerOut!.ToArray();

    /// <summary>The LayerGen step's phases, each runnable on its own (for --breakdown), children of a Sequential one by one.</summary>
    public override IEnumerable<(string Phase, Action Run)> LayerGenPhases()
    {
        var x = X;
        LayerGenStep();
        yield return ("Trainer/step total", () => LayerGenStep());
        yield return ("Trainer/step total, update in backward", () => LayerGenInBackwardStep());
        yield return ("Trainer/step total, layer by layer", () => LayerGenLayerByLayerStep());
        yield return ("optimizer.ZeroGrad", () => _sgd.ZeroGrad());
        yield return ($"model.ForwardSpan ({_model.LayerName})", () => _model.ForwardSpan(Rows, x.Span, _out, _saved.Span));
        yield return ($"loss.ForwardSpan ({_loss.KernelName})", () => _loss.ForwardSpan(_lossRows, _out, T.Span, _lossSaved));
        yield return ("loss.BackwardSpan (+ clear dy)", () =>
        {
            _dy.AsSpan().Clear();
            _loss.BackwardSpan(_lossRows, _out, T.Span, 1f, _dy, _lossSaved);
        });
        _model.ForwardSpan(Rows, x.Span, _out, _saved.Span);
        yield return ($"model.BackwardSpan ({_model.LayerName})", () => _model.BackwardSpan(Rows, x.Span, _out, _dy, Span<float>.Empty, _saved.Span));
        yield return ("optimizer.Step (SGD)", () => _sgd.Step());
        foreach (var phase in ChildPhases(_model, Rows, X.ToArray()))
        {
            yield return phase;
        }
    }

    /// <summary>Pairs the LayerGen model's parameters with the eager copy's, by name, and the hand version's views.</summary>
    protected IReadOnlyList<ParamView> ParamsWith(params Func<float[]>[] hand)
    {
        var lg = _model.NamedParameters().ToArray();
        var eager = EagerModel.NamedParameters().ToArray();
        if (lg.Length != hand.Length || eager.Length != hand.Length)
        {
            throw new InvalidOperationException($"{GetType().Name}: {lg.Length} LayerGen, {eager.Length} eager and {hand.Length} hand parameters");
        }

        var views = new List<ParamView>();
        for (int i = 0; i < lg.Length; i++)
        {
            views.Add(new ParamView(lg[i].Key, lg[i].Value, eager[i].Value, hand[i]));
        }

        return views;
    }

    /// <summary>Copies a parameter into a hand-owned buffer, transposing [rows, cols] → [cols, rows] when asked.</summary>
    protected static Buf Copy(Tensor parameter, bool transpose = false, int padTo = 0)
    {
        var data = parameter.Data;
        var buf = new Buf(Math.Max(data.Length, padTo));
        if (!transpose)
        {
            data.CopyTo(buf.Span);
        }
        else
        {
            int rows = parameter.Size(0), cols = parameter.Size(1);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    buf[c * rows + r] = data[r * cols + c];
                }
            }
        }

        return buf;
    }

    /// <summary>Reads a hand-owned [cols, rows] buffer back in [rows, cols] (torch) layout.</summary>
    protected static float[] Transposed(Buf buf, int rows, int cols)
    {
        var result = new float[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                result[r * cols + c] = buf[c * rows + r];
            }
        }

        return result;
    }

    protected static float[] Head(Buf buf, int count) => buf.Span[..count].ToArray();
}
