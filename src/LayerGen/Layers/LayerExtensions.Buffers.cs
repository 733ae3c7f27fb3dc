using System;
using System.Collections.Generic;

namespace LayerGen;

// PyTorch's named_buffers() over a module tree.
public static partial class LayerExtensions
{
    /// <summary>
    /// Every persistent buffer of the tree (<see cref="BufferAttribute"/> tensors) with its dotted PyTorch name
    /// (<c>"running_mean"</c>, <c>"0.running_var"</c>): the layer's own first, then each child's, depth first; a
    /// tensor reachable twice is listed once, under its first name — PyTorch's <c>named_buffers()</c>.
    /// </summary>
    /// <remarks>
    /// Buffers are never trained: they are not in <see cref="NamedParameters"/>, so no optimiser, <c>ZeroGrad</c> or
    /// gradient touches them. A plain <c>Tensor</c> field a forward reads (PyTorch's plain attribute) is not a
    /// buffer and is not listed here, nor in the state dict.
    /// </remarks>
    public static IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers(this IModule layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var result = new List<KeyValuePair<string, Tensor>>();
        CollectBuffers(layer, "", seen, result);
        return result;
    }

    private static void CollectBuffers(IModule layer, string prefix, HashSet<Tensor> seen, List<KeyValuePair<string, Tensor>> result)
    {
        foreach (KeyValuePair<string, Tensor> buffer in layer.LocalBuffers())
        {
            if (seen.Add(buffer.Value))
            {
                result.Add(new KeyValuePair<string, Tensor>(prefix + buffer.Key, buffer.Value));
            }
        }

        foreach (KeyValuePair<string, IModule> child in layer.NamedChildren())
        {
            CollectBuffers(child.Value, prefix + child.Key + ".", seen, result);
        }
    }
}
