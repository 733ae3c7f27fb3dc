using System;
using System.Collections.Generic;
using System.Text;

namespace LayerGen;

/// <summary>What PyTorch's <c>nn.Module</c> offers over a module tree, for any <see cref="ILayer"/>.</summary>
public static partial class LayerExtensions
{
    /// <summary>
    /// Every parameter of the tree with its dotted PyTorch name (<c>"weight"</c>, <c>"0.bias"</c>,
    /// <c>"encoder.0.weight"</c>): the layer's own first, then each child's, depth first.
    /// </summary>
    /// <remarks>
    /// A tensor reachable twice (a shared parameter, or the same layer at two positions) is listed once,
    /// under its first name, compared by reference: parameter sharing is object identity, so an
    /// optimiser that walks this list updates a shared parameter once, as in PyTorch.
    /// </remarks>
    public static IEnumerable<KeyValuePair<string, Tensor>> NamedParameters(this IModule layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var result = new List<KeyValuePair<string, Tensor>>();
        Collect(layer, "", seen, result);
        return result;
    }

    /// <summary>The tensors of <see cref="NamedParameters"/>, in the same order.</summary>
    public static IEnumerable<Tensor> Parameters(this IModule layer)
    {
        foreach (KeyValuePair<string, Tensor> entry in layer.NamedParameters())
        {
            yield return entry.Value;
        }
    }

    /// <summary>
    /// Zeroes the gradient of every parameter in the tree, in place.
    /// </summary>
    /// <remarks>
    /// PyTorch 2 sets gradients to None by default; zeroing in place instead keeps each gradient
    /// buffer, so a training loop does not allocate new ones every step. A parameter without a
    /// gradient yet is left without one. Shared parameters are simply zeroed more than once.
    /// </remarks>
    public static void ZeroGrad(this IModule layer)
    {
        ArgumentNullException.ThrowIfNull(layer);

        // Generated layers and Sequential implement ILayer.ZeroGrad without enumerators (no allocation).
        layer.ZeroGrad();
    }

    /// <summary>
    /// <see cref="IModule.ZeroGrad"/> for a layer that does not implement it: walks its parameters and
    /// children through their enumerators (which allocate).
    /// </summary>
    internal static void ZeroGradByEnumeration(IModule layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        foreach (KeyValuePair<string, Tensor> entry in layer.LocalParameters())
        {
            entry.Value.ZeroGrad();
        }

        foreach (KeyValuePair<string, IModule> child in layer.NamedChildren())
        {
            child.Value.ZeroGrad();
        }
    }

    /// <summary>
    /// Calls <paramref name="fn"/> on every layer of the tree, children before their parent and the root
    /// last, like PyTorch's <c>net.apply(fn)</c>; typically an init function:
    /// <c>net.Apply(l =&gt; { if (l is Linear lin) Init.XavierUniform(lin.Weight); })</c>.
    /// </summary>
    /// <remarks>
    /// A layer instance reachable at several positions is visited once, at its first position (depth
    /// first), so an init function never re-draws a shared layer. PyTorch de-duplicates only among the
    /// children of one parent; here the whole tree counts.
    /// </remarks>
    /// <returns><paramref name="layer"/>, so that <c>new Sequential(...).Apply(init)</c> reads as one expression.</returns>
    public static T Apply<T>(this T layer, Action<IModule> fn)
        where T : IModule
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(fn);
        Visit(layer, fn, new HashSet<IModule>(ReferenceEqualityComparer.Instance));
        return layer;
    }

    /// <summary>
    /// The tree as PyTorch prints a module:
    /// <c>"Sequential(\n  (0): MyLinear()\n  (1): MyLinear()\n)"</c>.
    /// </summary>
    /// <remarks>
    /// <see cref="ILayer"/> has no counterpart of PyTorch's <c>extra_repr</c>, so a layer without
    /// children prints as <c>Name()</c>.
    /// </remarks>
    public static string ToModuleString(this IModule layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var lines = new List<string>();
        foreach (KeyValuePair<string, IModule> child in layer.NamedChildren())
        {
            // A multi-line child is indented by two more spaces after its first line (PyTorch's _addindent).
            string childText = child.Value.ToModuleString().Replace("\n", "\n  ", StringComparison.Ordinal);
            lines.Add($"({child.Key}): {childText}");
        }

        if (lines.Count == 0)
        {
            return layer.LayerName + "()";
        }

        var text = new StringBuilder(layer.LayerName).Append("(\n");
        foreach (string line in lines)
        {
            text.Append("  ").Append(line).Append('\n');
        }

        return text.Append(')').ToString();
    }

    private static void Visit(IModule layer, Action<IModule> fn, HashSet<IModule> visited)
    {
        if (!visited.Add(layer))
        {
            return;
        }

        foreach (KeyValuePair<string, IModule> child in layer.NamedChildren())
        {
            Visit(child.Value, fn, visited);
        }

        fn(layer);
    }

    private static void Collect(IModule layer, string prefix, HashSet<Tensor> seen, List<KeyValuePair<string, Tensor>> result)
    {
        foreach (KeyValuePair<string, Tensor> parameter in layer.LocalParameters())
        {
            if (seen.Add(parameter.Value))
            {
                result.Add(new KeyValuePair<string, Tensor>(prefix + parameter.Key, parameter.Value));
            }
        }

        foreach (KeyValuePair<string, IModule> child in layer.NamedChildren())
        {
            Collect(child.Value, prefix + child.Key + ".", seen, result);
        }
    }
}
