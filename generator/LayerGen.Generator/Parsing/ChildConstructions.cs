using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// How a layer constructs one of its children, in terms of its own sizes: the field
/// <c>MyLinear fc = new(inputs + hidden, hidden);</c> of <c>Net(int inputs, int hidden)</c> is
/// (<c>Net</c>, [inputs, hidden], <c>MyLinear</c>, [inputs + hidden, hidden]).
/// </summary>
/// <param name="ParentSizes">The parent's size parameters, in order.</param>
/// <param name="Arguments">The child's sizes: constants, or size expressions of the parent's sizes.</param>
internal sealed record ChildConstruction(
    string ParentFullName,
    EquatableArray<string> ParentSizes,
    string ChildFullName,
    EquatableArray<SizeRef> Arguments);

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

    /// <summary>The children of <paramref name="layer"/> whose sizes are constants or expressions of its own sizes.</summary>
    public static EquatableArray<ChildConstruction> Of(LayerModel layer) =>
        layer.Children
            // A child without sizes has one kernel already; one whose sizes are not read has none to specialise.
            .Where(c => c.Arguments is { Count: > 0 })
            .Select(c => new ChildConstruction(layer.FullName, layer.SizeParameters, c.TypeFullName, c.Arguments!.Value))
            .ToEquatableArray();

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

    /// <summary>The child's sizes for one construction of its parent; null when one cannot be computed or is not positive.</summary>
    private static EquatableArray<int>? SizesOf(ChildConstruction child, EquatableArray<int> parentSizes)
    {
        if (parentSizes.Count != child.ParentSizes.Count)
        {
            return null;
        }

        var names = child.ParentSizes.ToList();
        var sizes = new int[child.Arguments.Count];
        for (int i = 0; i < sizes.Length; i++)
        {
            var argument = child.Arguments[i];
            if (argument.Symbol is null)
            {
                sizes[i] = argument.Value;
            }
            else if (argument.Size is { } size && size.Symbols.All(names.Contains))
            {
                long value = size.Evaluate(name => parentSizes[names.IndexOf(name)]);
                sizes[i] = value is > 0 and <= int.MaxValue ? (int)value : 0;
            }

            if (sizes[i] <= 0)
            {
                return null;
            }
        }

        return sizes.ToEquatableArray();
    }
}
