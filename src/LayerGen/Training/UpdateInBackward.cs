using System;
using System.Collections.Generic;
using LayerGen.Generated;

namespace LayerGen;

/// <summary>
/// The <see cref="Trainer"/>'s "update in backward" mode: plain SGD folded into the backward pass. The
/// loss's backward is scaled by −lr, so every gradient the model's backward computes is already −lr·g, and
/// <see cref="IBackwardIntoParameters.BackwardSpanIntoParameters"/> adds it straight into the parameter: p ← p − lr·g with
/// no gradient ever stored and no separate pass over the parameters (what the hand-written kernels of the
/// benchmarks do, and PyTorch's "optimizer in backward" hooks with <c>foreach=False</c> SGD).
/// </summary>
/// <remarks>
/// <para>It is SGD's update up to rounding (−lr multiplies the loss gradient before it is propagated,
/// instead of each parameter gradient after), not bit for bit. The parameters' <see cref="Tensor.Grad"/>
/// are not written: after a step they read as zeros.</para>
/// <para>Only when that is the optimiser's whole update and the backward can take it: <see cref="Sgd"/>
/// without momentum or weight decay (their updates need the gradient itself), every model parameter in
/// the optimiser unless frozen (<see cref="Tensor.RequiresGrad"/> false: the backward skips it), and a model whose
/// <see cref="IBackwardIntoParameters.CanBackwardIntoParameters"/> is true (or that holds no parameters). <see cref="For"/> says which condition fails.</para>
/// </remarks>
internal sealed class UpdateInBackward
{
    private readonly Optimizer _optimizer;
    private readonly int[] _outsideModel;         // optimiser parameters the model does not hold: stepped as usual
    private readonly Tensor[] _frozenOutside;     // model parameters outside the optimiser: frozen when built, checked every step
    private readonly string[] _frozenOutsideNames;

    private UpdateInBackward(Optimizer optimizer, int[] outsideModel, Tensor[] frozenOutside, string[] frozenOutsideNames)
    {
        _optimizer = optimizer;
        _outsideModel = outsideModel;
        _frozenOutside = frozenOutside;
        _frozenOutsideNames = frozenOutsideNames;
    }

    /// <summary>The loss gradient's scale that turns the backward's gradients into SGD's steps.</summary>
    public float LossScale => (float)-_optimizer.LearningRate; // rounded as Sgd rounds −lr

    /// <summary>The mode for this model and optimiser, or the reason it cannot run.</summary>
    public static UpdateInBackward For(ILayer model, Optimizer optimizer, out string? refusal)
    {
        refusal = OptimiserRefusal(optimizer) ?? ModelRefusal(model, "model");
        var inOptimiser = new HashSet<Tensor>(optimizer.Parameters, ReferenceEqualityComparer.Instance);
        var inModel = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var frozenOutside = new List<Tensor>();
        var frozenOutsideNames = new List<string>();
        foreach (var (name, parameter) in model.NamedParameters())
        {
            inModel.Add(parameter);
            if (inOptimiser.Contains(parameter))
            {
                continue;
            }

            // A frozen parameter gets no gradient, so the backward leaves it alone; one that requires grad
            // would be trained although the optimiser does not hold it.
            if (parameter.RequiresGrad)
            {
                refusal ??= $"parameter '{name}' is not in the optimiser but requires grad, and updating in the backward would train it (freeze it with RequiresGrad = false, or add it to the optimiser)";
            }
            else
            {
                frozenOutside.Add(parameter);
                frozenOutsideNames.Add(name);
            }
        }

        var outsideModel = new List<int>();
        for (int i = 0; i < optimizer.Parameters.Count; i++)
        {
            if (!inModel.Contains(optimizer.Parameters[i]))
            {
                outsideModel.Add(i);
            }
        }

        return new UpdateInBackward(optimizer, outsideModel.ToArray(), frozenOutside.ToArray(), frozenOutsideNames.ToArray());
    }

    /// <summary>
    /// Throws when a model parameter the optimiser does not hold has been unfrozen since the trainer was
    /// built: the backward would now train it. Call before each step's backward (a loop over what is
    /// usually an empty array).
    /// </summary>
    public void CheckFrozenStayFrozen()
    {
        for (int i = 0; i < _frozenOutside.Length; i++)
        {
            if (_frozenOutside[i].RequiresGrad)
            {
                throw new InvalidOperationException(
                    $"Trainer: parameter '{_frozenOutsideNames[i]}' is not in the optimiser and was frozen when the trainer was built, but now requires grad; "
                    + "updating in the backward would train it. Freeze it again, or build a new optimiser and trainer that hold it.");
            }
        }
    }

    /// <summary>Steps the optimiser's parameters that the model does not hold; call after the backward.</summary>
    public void Finish()
    {
        foreach (int i in _outsideModel)
        {
            _optimizer.StepParameter(i);
        }
    }

    private static string? OptimiserRefusal(Optimizer optimizer) => optimizer switch
    {
        Sgd { Momentum: 0, WeightDecay: 0 } => null,
        Sgd sgd => $"it needs plain SGD (p ← p − lr·g), and this SGD has momentum {sgd.Momentum} and weight decay {sgd.WeightDecay}, which need the gradient itself",
        _ => $"it needs plain SGD (p ← p − lr·g), and {optimizer.GetType().Name} keeps per-parameter state computed from the gradient itself",
    };

    /// <summary>Why <paramref name="layer"/> (named <paramref name="path"/>) cannot add gradients into its parameters, or null.</summary>
    private static string? ModelRefusal(IModule layer, string path)
    {
        if (BackwardIntoParameters.CanRun(layer))
        {
            return null;
        }

        // The first child (depth first) that cannot, else a reason of this layer's own.
        foreach (var (name, child) in layer.NamedChildren())
        {
            if (ModelRefusal(child, path == "model" ? name : $"{path}.{name}") is string childRefusal)
            {
                return childRefusal;
            }
        }

        string what = path == "model" ? $"the model ({layer.LayerName})" : $"layer '{path}' ({layer.LayerName})";
        if (layer is Sequential sequential && sequential.RunsALayerWithParametersTwice())
        {
            return $"{what} has one layer with parameters at two positions, and the later position's backward would change them before the earlier one reads them";
        }

        if (!BackwardIntoParameters.HoldsEachParameterOnce(layer))
        {
            return $"{what} holds one tensor in two places (a parameter assigned to two layers or fields), "
                + "and the part whose backward runs first would change it before the other reads it";
        }

        return $"{what} cannot add gradients into its parameters (it holds parameters and does not implement IBackwardIntoParameters, or its CanBackwardIntoParameters is false: it is not a generated layer, "
            + "calls a child layer twice or holds one child in two fields it calls, or reads a parameter in its backward after writing that parameter's gradient)";
    }
}
