using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;

namespace LayerGen.Generated;

/// <summary>
/// The backward into parameters (<see cref="IBackwardIntoParameters"/>) asked of any layer, for the parents
/// that run it: generated layers with children, <see cref="Sequential"/> and the <see cref="Trainer"/>.
/// </summary>
/// <remarks>
/// A layer that holds no parameter anywhere in its tree needs no such backward: its ordinary
/// <see cref="ILayer.BackwardSpan"/> writes no parameter gradient, so it already is one. Generated layers
/// without parameters and children therefore do not implement the interface, and a hand-written one
/// without parameters need not; the parents ask through here, which accepts both.
/// <para>For generated code; not a stable API.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BackwardIntoParameters
{
    /// <summary>
    /// Whether <see cref="Run"/> may run on <paramref name="layer"/> now: its own
    /// <see cref="IBackwardIntoParameters.CanBackwardIntoParameters"/>, or, for a layer that does not implement
    /// the interface, whether it holds no parameters (its tree's, through <see cref="IModule.LocalParameters"/>
    /// and <see cref="IModule.NamedChildren"/>). It may walk the tree: ask once, not per step.
    /// </summary>
    public static bool CanRun(IModule layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer is IBackwardIntoParameters into ? into.CanBackwardIntoParameters : !layer.Parameters().Any();
    }

    /// <summary>
    /// The layer's <see cref="IBackwardIntoParameters.BackwardSpanIntoParameters"/>, or its
    /// <see cref="ILayer.BackwardSpan"/> when it does not implement the interface (then, as <see cref="CanRun"/>
    /// checked, it holds no parameters, and the two are the same).
    /// </summary>
    public static void Run(ILayer layer, int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved)
    {
        if (layer is IBackwardIntoParameters into)
        {
            into.BackwardSpanIntoParameters(rows, input, output, outputGrad, inputGrad, saved);
        }
        else
        {
            layer.BackwardSpan(rows, input, output, outputGrad, inputGrad, saved);
        }
    }

    /// <summary>
    /// Whether no tensor is held twice among <paramref name="layer"/>'s own parameters and its distinct
    /// children's (one tensor assigned to two places): what a backward that adds gradients into parameters
    /// needs, since the part that runs first would change a value a later part reads. A child instance
    /// listed under two names (a property exposing a field) counts once; whether one instance runs twice is
    /// the caller's to check. Used by <see cref="IBackwardIntoParameters.CanBackwardIntoParameters"/> of <see cref="Sequential"/>
    /// and of generated layers with children; it walks the tree, so it is asked when a <see cref="Trainer"/>
    /// is built, not per step.
    /// </summary>
    public static bool HoldsEachParameterOnce(IModule layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var children = new HashSet<IModule>(ReferenceEqualityComparer.Instance);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (KeyValuePair<string, Tensor> own in layer.LocalParameters())
        {
            if (!seen.Add(own.Value))
            {
                return false;
            }
        }

        foreach (KeyValuePair<string, IModule> child in layer.NamedChildren())
        {
            if (!children.Add(child.Value))
            {
                continue;
            }

            foreach (Tensor parameter in child.Value.Parameters())
            {
                if (!seen.Add(parameter))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
