using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace LayerGen.Generated;

/// <summary>
/// Where a user's assembly registers its generated whole-model training steps (<see cref="GeneratedTrainingStep"/>),
/// keyed by the model's layers' <c>KernelName</c>s in order (a model that is one generated layer: its own), and where a
/// <see cref="Trainer"/> looks.
/// </summary>
/// <remarks>
/// <para>Keyed at run time rather than tied to one construction site, so that a model built in one method and trained in
/// another still finds its step: the generator emits a step for every <c>new Sequential(...)</c> of constant-size layers
/// it sees and for every constant-size kernel of the user's own layers, and a model whose layers run those very kernels
/// (their kernel names say so) gets it. The factory then checks the layers' types before it builds the step, and may
/// refuse (null).</para>
/// <para>For generated code; not a stable API. No reflection: registration is an ordinary call from a module initialiser.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedTrainingSteps
{
    // Several factories may share a key: a Sequential of one layer and that layer alone, or two layer classes of one name.
    private static readonly Dictionary<string, List<Func<ILayer, ILoss, Optimizer, int, GeneratedTrainingStep?>>> Registered = new(StringComparer.Ordinal);

    /// <summary>The separator of the layers' kernel names in a key (<c>Linear[inFeatures=4, outFeatures=8] → ReLU</c>).</summary>
    public const string Separator = " → ";

    /// <summary>
    /// Registers <paramref name="create"/> for models whose layers' kernel names, joined by <see cref="Separator"/>, are
    /// <paramref name="model"/> (for a model that is one layer, not a <see cref="Sequential"/>: its kernel name). Each
    /// factory registered under a key is asked in turn, until one builds a step (it checks the model's types).
    /// </summary>
    public static void Register(string model, Func<ILayer, ILoss, Optimizer, int, GeneratedTrainingStep?> create)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(create);
        lock (Registered)
        {
            if (!Registered.TryGetValue(model, out var factories))
            {
                Registered.Add(model, factories = []);
            }

            factories.Add(create);
        }
    }

    /// <summary>The generated step for <paramref name="model"/>, or null (then the trainer steps layer by layer).</summary>
    internal static GeneratedTrainingStep? For(ILayer model, ILoss loss, Optimizer optimizer, int maxRows)
    {
        if (model is Sequential { Count: 0 })
        {
            return null;
        }

        Func<ILayer, ILoss, Optimizer, int, GeneratedTrainingStep?>[] factories;
        lock (Registered)
        {
            // Most programs register nothing: then no key is built.
            if (Registered.Count == 0 || !Registered.TryGetValue(model is Sequential sequential ? Key(sequential) : model.KernelName, out var registered))
            {
                return null;
            }

            factories = registered.ToArray();
        }

        foreach (var create in factories)
        {
            if (create(model, loss, optimizer, maxRows) is { } step)
            {
                return step;
            }
        }

        return null;
    }

    private static string Key(Sequential model)
    {
        var names = new string[model.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = model.ModuleAt(i).KernelName; // an ids-first model's position 0 is its ids layer
        }

        return string.Join(Separator, names);
    }
}
