using System;
using System.Collections.Generic;
using System.Linq;

namespace LayerGen;

public static partial class LayerExtensions
{
    /// <summary>
    /// The parameter of the tree with the dotted PyTorch name <paramref name="target"/> (<c>"weight"</c>,
    /// <c>"fc1.bias"</c>), as <c>nn.Module.get_parameter</c>: how to reach a parameter that has no generated
    /// property (a field named <c>W</c> or <c>W_xh</c>, which C# cannot give a property of the same name).
    /// </summary>
    /// <exception cref="ArgumentException">No parameter has that name; the message lists the names there are.</exception>
    public static Tensor GetParameter(this IModule layer, string target)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(target);

        // As torch: walk the path through the children by name, so a shared parameter is found under each of its names.
        IModule owner = layer;
        string[] path = target.Split('.');
        for (int i = 0; i < path.Length - 1; i++)
        {
            IModule? child = owner.NamedChildren().FirstOrDefault(c => c.Key == path[i]).Value;
            owner = child ?? throw new ArgumentException(
                $"{owner.LayerName} has no child '{path[i]}' (looking for parameter '{target}'); its children are {List(owner.NamedChildren().Select(c => c.Key))}.",
                nameof(target));
        }

        foreach (KeyValuePair<string, Tensor> entry in owner.LocalParameters())
        {
            if (entry.Key == path[^1])
            {
                return entry.Value;
            }
        }

        throw new ArgumentException(
            $"{owner.LayerName} has no parameter '{path[^1]}' (looking for '{target}'); its parameters are {List(owner.LocalParameters().Select(p => p.Key))}.",
            nameof(target));
    }

    private static string List(IEnumerable<string> names)
    {
        string text = string.Join(", ", names.Select(n => $"'{n}'"));
        return text.Length == 0 ? "none" : text;
    }
}
