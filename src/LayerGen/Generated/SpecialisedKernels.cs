using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;

namespace LayerGen.Generated;

/// <summary>
/// Where a user's assembly leaves the constant-size kernels of LayerGen's built-in layers and losses. LayerGen.dll
/// cannot see the user's <c>new Linear(784, 256)</c>, so the generator, running in the user's compilation, emits a
/// <c>Linear</c> kernel with those sizes as constants into the user's assembly and registers it here from a module
/// initialiser; a built-in looks here once, when it is constructed, and runs what it finds (else its run-time kernel).
/// </summary>
/// <remarks>For generated code; not a stable API. No reflection: registration is an ordinary call, so NativeAOT keeps it.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SpecialisedKernels
{
    private static readonly Dictionary<string, object> Registered = new(StringComparer.Ordinal);

    /// <summary>
    /// Registers <paramref name="kernels"/> (an implementation of the built-in's kernel interface) for the built-in
    /// <paramref name="layer"/> (its full name) constructed with <paramref name="sizes"/>. The first registration of a
    /// key wins: two assemblies that both construct <c>new Linear(784, 256)</c> carry the same kernel.
    /// </summary>
    public static void Register(string layer, ReadOnlySpan<int> sizes, object kernels)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(kernels);
        string key = Key(layer, sizes);
        lock (Registered)
        {
            Registered.TryAdd(key, kernels);
        }
    }

    /// <summary>The kernels registered for <paramref name="layer"/> with <paramref name="sizes"/>, or null (then the built-in runs its run-time kernel).</summary>
    public static TKernels? Find<TKernels>(string layer, ReadOnlySpan<int> sizes)
        where TKernels : class
    {
        lock (Registered)
        {
            // Most programs register nothing: then no key is built.
            return Registered.Count == 0 ? null : Registered.GetValueOrDefault(Key(layer, sizes)) as TKernels;
        }
    }

    private static string Key(string layer, ReadOnlySpan<int> sizes)
    {
        var key = new System.Text.StringBuilder(layer).Append('(');
        for (int i = 0; i < sizes.Length; i++)
        {
            key.Append(i == 0 ? string.Empty : ", ").Append(sizes[i].ToString(CultureInfo.InvariantCulture));
        }

        return key.Append(')').ToString();
    }
}
