using System;
using System.Collections.Generic;

namespace LayerGen;

// PyTorch's state_dict() / load_state_dict() over any ILayer.
public static partial class LayerExtensions
{
    /// <summary>
    /// Every parameter and persistent buffer by its dotted name (a layer's parameters, then its buffers, then each
    /// child's), like PyTorch's <c>state_dict()</c>: each value shares the parameter's storage (writing to it writes the model)
    /// but is detached from autograd.
    /// </summary>
    /// <remarks>
    /// As in PyTorch, a shared parameter appears under <b>every</b> name it is reachable by
    /// (<c>"0.weight"</c> and <c>"2.weight"</c> for a layer used twice), whereas
    /// <see cref="NamedParameters"/> lists it once. The values under those names share one storage, which
    /// is how <see cref="SafeTensors.Save(IModule, string, IReadOnlyDictionary{string, string}?)"/> tells
    /// they are one tensor and stores it once.
    /// </remarks>
    public static IReadOnlyDictionary<string, Tensor> StateDict(this IModule layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var state = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach ((string name, Tensor parameter) in StateDictLoader.AllNamedParameters(layer))
        {
            state.Add(name, parameter.Detach());
        }

        return state;
    }

    /// <summary>
    /// Copies <paramref name="state"/>'s values into the model's parameters (the tensors stay the same
    /// objects, so optimisers and shared references keep working), like PyTorch's <c>load_state_dict</c>.
    /// </summary>
    /// <param name="layer">The model.</param>
    /// <param name="state">Values by dotted name, e.g. another model's <see cref="StateDict"/>.</param>
    /// <param name="strict">
    /// When true (the default) every parameter name must be present and every key must name a parameter.
    /// When false, missing and unexpected keys are skipped and returned. A shape mismatch is an error either way.
    /// </param>
    /// <returns>The keys that did not match (always empty under strict loading).</returns>
    /// <exception cref="StateDictLoadException">
    /// The state does not fit: every missing key, unexpected key and shape mismatch is listed in one
    /// message, and the model is left untouched (all checks run before any copy).
    /// </exception>
    public static IncompatibleKeys LoadStateDict(this IModule layer, IReadOnlyDictionary<string, Tensor> state, bool strict = true) =>
        StateDictLoader.Load(layer, state, strict, aliasAware: false, fileName: null);
}
