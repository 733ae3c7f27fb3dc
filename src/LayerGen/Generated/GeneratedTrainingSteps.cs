using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace LayerGen.Generated;

/// <summary>
/// Where a user's assembly registers its generated whole-model training steps (<see cref="GeneratedTrainingStep"/>),
/// keyed by the model's layers' <c>KernelName</c>s in order, and where a <see cref="Trainer"/> looks.
/// </summary>
/// <remarks>
/// <para>Keyed at run time rather than tied to one construction site, so that a model built in one method and trained in
/// another still finds its step: the generator emits a step for every <c>new Sequential(...)</c> of constant-size layers
/// it sees, and a model whose layers run those very kernels (their kernel names say so) gets it. The factory then checks
/// the layers' types before it builds the step, and may refuse (null).</para>
/// <para>For generated code; not a stable API. No reflection: registration is an ordinary call from a module initialiser.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedTrainingSteps
{
    private static readonly Dictionary<string, Func<Sequential, ILoss, Optimizer, int, GeneratedTrainingStep?>> Registered = new(StringComparer.Ordinal);

    /// <summary>The separator of the layers' kernel names in a key (<c>Linear[inFeatures=4, outFeatures=8] → ReLU</c>).</summary>
    public const string Separator = " → ";

    /// <summary>Registers <paramref name="create"/> for models whose layers' kernel names, joined by <see cref="Separator"/>, are <paramref name="model"/>. The first registration wins.</summary>
    public static void Register(string model, Func<Sequential, ILoss, Optimizer, int, GeneratedTrainingStep?> create)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(create);
        lock (Registered)
        {
            Registered.TryAdd(model, create);
        }
    }

    /// <summary>The generated step for <paramref name="model"/>, or null (then the trainer steps layer by layer).</summary>
    internal static GeneratedTrainingStep? For(ILayer model, ILoss loss, Optimizer optimizer, int maxRows)
    {
        if (model is not Sequential sequential || sequential.Count == 0 || sequential.TakesIds)
        {
            return null; // an ids-first model's embedding is no layer a generated step calls: layer by layer
        }

        Func<Sequential, ILoss, Optimizer, int, GeneratedTrainingStep?>? create;
        lock (Registered)
        {
            // Most programs register nothing: then no key is built.
            if (Registered.Count == 0 || !Registered.TryGetValue(Key(sequential), out create))
            {
                return null;
            }
        }

        return create(sequential, loss, optimizer, maxRows);
    }

    private static string Key(Sequential model)
    {
        var names = new string[model.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = model[i].KernelName;
        }

        return string.Join(Separator, names);
    }
}
