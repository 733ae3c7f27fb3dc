using System;
using System.Collections.Generic;
using System.Linq;

namespace LayerGen;

/// <summary>
/// Matches a state (name → tensor) against a model's parameters and copies it in, in two phases:
/// every check first (missing, unexpected, shapes, alias conflicts, reported together), then the
/// copies. A failed load therefore changes nothing.
/// </summary>
internal static class StateDictLoader
{
    /// <summary>Every parameter and persistent buffer under every name PyTorch's <c>state_dict</c> would list it: own parameters, own buffers, then each child's, depth first, shared ones repeated.</summary>
    public static List<KeyValuePair<string, Tensor>> AllNamedParameters(IModule layer)
    {
        var result = new List<KeyValuePair<string, Tensor>>();
        Collect(layer, "", result);
        return result;
    }

    /// <summary>
    /// Loads <paramref name="state"/> into <paramref name="layer"/>'s parameters.
    /// </summary>
    /// <param name="layer">The model.</param>
    /// <param name="state">Values by dotted name.</param>
    /// <param name="strict">Whether missing and unexpected keys are errors.</param>
    /// <param name="aliasAware">
    /// Treat the names of one shared parameter as one entry (safetensors files store it once): a group is
    /// satisfied by any of its names, and only its first name (ordinal order, the one a save keeps) is
    /// reported missing when none is present. Several present names must hold equal values.
    /// </param>
    /// <param name="fileName">Names the file in the exception, or null.</param>
    /// <exception cref="StateDictLoadException">A shape or alias mismatch, or (when strict) a missing or unexpected key.</exception>
    public static IncompatibleKeys Load(IModule layer, IReadOnlyDictionary<string, Tensor> state, bool strict, bool aliasAware, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(state);
        List<KeyValuePair<string, Tensor>> targets = AllNamedParameters(layer);
        var targetNames = new HashSet<string>(targets.Select(t => t.Key), StringComparer.Ordinal);

        var conflicts = new List<IReadOnlyList<string>>();
        HashSet<string> covered = aliasAware ? CoveredAliases(targets, state, conflicts) : [];

        var missing = new List<string>();
        var mismatches = new List<StateDictShapeMismatch>();
        var dtypeMismatches = new List<StateDictDTypeMismatch>();
        var copies = new List<(Tensor Target, Tensor Source)>();
        foreach ((string name, Tensor target) in targets)
        {
            if (!state.TryGetValue(name, out Tensor? source))
            {
                if (!covered.Contains(name))
                {
                    missing.Add(name);
                }

                continue;
            }

            if (source is null)
            {
                throw new ArgumentException($"state entry '{name}' is null", nameof(state));
            }

            if (source.DType != target.DType)
            {
                // No silent conversion between ids and values (F16/BF16/F64 files are already float32 here).
                dtypeMismatches.Add(new StateDictDTypeMismatch(name, source.DType, target.DType));
                continue;
            }

            if (!source.Shape.SequenceEqual(target.Shape))
            {
                mismatches.Add(new StateDictShapeMismatch(name, source.Shape.ToArray(), target.Shape.ToArray()));
                continue;
            }

            copies.Add((target, source));
        }

        var unexpected = state.Keys.Where(k => !targetNames.Contains(k)).ToList();
        if (mismatches.Count > 0 || dtypeMismatches.Count > 0 || conflicts.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            throw new StateDictLoadException(
                layer.LayerName, fileName, strict ? missing : [], strict ? unexpected : [], mismatches, conflicts, dtypeMismatches);
        }

        // A source that is another parameter's storage (loading a model's own state under other names)
        // could be overwritten before it is read: snapshot those first.
        var storages = new HashSet<Array>(targets.Select(t => StorageOf(t.Value)), ReferenceEqualityComparer.Instance);
        for (int i = 0; i < copies.Count; i++)
        {
            (Tensor target, Tensor source) = copies[i];
            if (StorageOf(source) != StorageOf(target) && storages.Contains(StorageOf(source)))
            {
                copies[i] = (target, source.DType == DType.Int64
                    ? Tensor.WrapLong(source.ToLongArray(), source.ShapeArray)
                    : Tensor.Wrap(source.ToArray(), source.ShapeArray));
            }
        }

        foreach ((Tensor target, Tensor source) in copies)
        {
            if (source.DType == DType.Int64)
            {
                source.LongData.AsSpan().CopyTo(target.LongData);
            }
            else
            {
                source.Data.AsSpan().CopyTo(target.Data);
            }
        }

        return new IncompatibleKeys(missing, unexpected);
    }

    /// <summary>
    /// For each group of names sharing one storage: the names that need not be present because another
    /// name of the group stands for them. Groups whose present names disagree go to <paramref name="conflicts"/>.
    /// </summary>
    private static HashSet<string> CoveredAliases(
        List<KeyValuePair<string, Tensor>> targets, IReadOnlyDictionary<string, Tensor> state, List<IReadOnlyList<string>> conflicts)
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (List<string> group in SharedGroups(targets))
        {
            var present = group.Where(state.ContainsKey).ToList();
            string stand = present.Count > 0 ? present[0] : group[0];
            covered.UnionWith(group.Where(n => n != stand && !present.Contains(n)));
            if (present.Skip(1).Any(n => !SameValues(state[n], state[present[0]])))
            {
                conflicts.Add(present);
            }
        }

        return covered;
    }

    /// <summary>Names grouped by the storage they share (groups of two or more only), each sorted ordinally.</summary>
    public static List<List<string>> SharedGroups(IEnumerable<KeyValuePair<string, Tensor>> named)
    {
        var byStorage = new Dictionary<Array, List<string>>(ReferenceEqualityComparer.Instance);
        var order = new List<List<string>>();
        foreach ((string name, Tensor tensor) in named)
        {
            if (!byStorage.TryGetValue(StorageOf(tensor), out List<string>? names))
            {
                names = [];
                byStorage.Add(StorageOf(tensor), names);
                order.Add(names);
            }

            names.Add(name);
        }

        var groups = order.Where(g => g.Count > 1).ToList();
        foreach (List<string> group in groups)
        {
            group.Sort(StringComparer.Ordinal);
        }

        return groups;
    }

    private static bool SameValues(Tensor? a, Tensor? b) =>
        a is not null && b is not null && a.DType == b.DType && a.Shape.SequenceEqual(b.Shape)
        && (a.DType == DType.Int64 ? a.LongData.AsSpan().SequenceEqual(b.LongData) : a.Data.AsSpan().SequenceEqual(b.Data));

    /// <summary>A tensor's storage array, of either dtype: what sharing is judged by.</summary>
    private static Array StorageOf(Tensor tensor) => tensor.DType == DType.Int64 ? tensor.LongData : tensor.Data;

    private static void Collect(IModule layer, string prefix, List<KeyValuePair<string, Tensor>> result)
    {
        foreach (KeyValuePair<string, Tensor> parameter in layer.LocalParameters())
        {
            result.Add(new KeyValuePair<string, Tensor>(prefix + parameter.Key, parameter.Value));
        }

        // Then its persistent buffers, as PyTorch's state_dict lists a module's own parameters, then its buffers.
        foreach (KeyValuePair<string, Tensor> buffer in layer.LocalBuffers())
        {
            result.Add(new KeyValuePair<string, Tensor>(prefix + buffer.Key, buffer.Value));
        }

        foreach (KeyValuePair<string, IModule> child in layer.NamedChildren())
        {
            Collect(child.Value, prefix + child.Key + ".", result);
        }
    }
}
