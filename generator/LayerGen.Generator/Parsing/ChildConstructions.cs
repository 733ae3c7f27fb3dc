using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// How a layer constructs one of its children, in terms of its own sizes: the field
/// <c>MyLinear fc = new(inputs, hidden);</c> of <c>Net(int inputs, int hidden)</c> is
/// (<c>Net</c>, <c>MyLinear</c>, [size 0 of Net, size 1 of Net]).
/// </summary>
/// <param name="ParentSizeIndex">For each of the child's sizes, which of the parent's sizes it is; -1 for a constant.</param>
/// <param name="Constants">For each of the child's sizes, its value when it is a constant (0 otherwise).</param>
internal sealed record ChildConstruction(
    string ParentFullName,
    string ChildFullName,
    EquatableArray<int> ParentSizeIndex,
    EquatableArray<int> Constants);

/// <summary>
/// The constructions a constant construction of a parent implies: <c>new Net(4, 8)</c> constructs its
/// child <c>new MyLinear(inputs, hidden)</c> as <c>MyLinear(4, 8)</c>, so that child gets a kernel with
/// constant loop bounds too — transitively, through children of children.
/// </summary>
internal static class ChildConstructions
{
    /// <summary>
    /// More constructions than this are not derived: a layer that (through its children) constructs
    /// itself would otherwise never stop. Direct constructions are always kept.
    /// </summary>
    private const int MaxDerived = 1024;

    /// <summary>The children of <paramref name="layer"/> whose sizes are constants or its own sizes.</summary>
    public static EquatableArray<ChildConstruction> Of(LayerModel layer)
    {
        var result = new List<ChildConstruction>();
        foreach (var child in layer.Children)
        {
            // A child without sizes has one kernel already; one whose sizes are not read has none to specialise.
            if (child.Arguments is not { Count: > 0 } arguments)
            {
                continue;
            }

            var index = new int[arguments.Count];
            var constants = new int[arguments.Count];
            bool readable = true;
            for (int i = 0; i < arguments.Count; i++)
            {
                if (arguments[i].Symbol is { } symbol)
                {
                    index[i] = System.Array.IndexOf(layer.SizeParameters.ToArray(), symbol);
                    readable &= index[i] >= 0;
                }
                else
                {
                    index[i] = -1;
                    constants[i] = arguments[i].Value;
                }
            }

            if (readable)
            {
                result.Add(new ChildConstruction(layer.FullName, child.TypeFullName, index.ToEquatableArray(), constants.ToEquatableArray()));
            }
        }

        return result.ToEquatableArray();
    }

    /// <summary>
    /// Every construction with constant sizes: the ones written in the program, and the ones their
    /// children imply, in the order found (<see cref="ConstructionSiteReader.SpecialisationsFor"/> sorts).
    /// </summary>
    public static EquatableArray<ConstructionSite> WithChildren(
        IEnumerable<ConstructionSite?> written,
        IEnumerable<EquatableArray<ChildConstruction>> childrenOfEachLayer)
    {
        var byParent = childrenOfEachLayer.SelectMany(c => c).ToLookup(c => c.ParentFullName);
        var seen = new HashSet<ConstructionSite>();
        var all = new List<ConstructionSite>();
        var pending = new Queue<ConstructionSite>();
        foreach (var site in written)
        {
            if (site is not null && seen.Add(site))
            {
                all.Add(site);
                pending.Enqueue(site);
            }
        }

        int derived = 0;
        while (pending.Count > 0 && derived < MaxDerived)
        {
            var parent = pending.Dequeue();
            foreach (var child in byParent[parent.LayerFullName])
            {
                var sizes = SizesOf(child, parent.Sizes);
                if (sizes is null)
                {
                    continue;
                }

                var site = new ConstructionSite(child.ChildFullName, sizes.Value);
                if (seen.Add(site))
                {
                    all.Add(site);
                    pending.Enqueue(site);
                    derived++;
                }
            }
        }

        return all.ToEquatableArray();
    }

    /// <summary>The child's sizes for one construction of its parent; null when a size is not positive.</summary>
    private static EquatableArray<int>? SizesOf(ChildConstruction child, EquatableArray<int> parentSizes)
    {
        var sizes = new int[child.ParentSizeIndex.Count];
        for (int i = 0; i < sizes.Length; i++)
        {
            int from = child.ParentSizeIndex[i];
            if (from >= parentSizes.Count)
            {
                return null;
            }

            sizes[i] = from < 0 ? child.Constants[i] : parentSizes[from];
            if (sizes[i] <= 0)
            {
                return null;
            }
        }

        return sizes.ToEquatableArray();
    }
}
