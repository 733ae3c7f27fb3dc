using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Tuples written out in the forward, <c>(x, h) = (a, b);</c>, <c>var (y, s) = (Ops.Tanh(z), z);</c>, <c>(a, b) = (b, a);</c>,
/// and tuples a helper returns: never a value of the graph. The tuple's elements are read when it is assigned (so a swap
/// reads both before writing either, as C# does), held by the tuple's name, and each name taking the tuple apart becomes
/// its element, so the graph sees only the elements under the user's names.
/// </summary>
internal sealed partial class ForwardUnroller
{
    /// <summary>The tuples held by a name (the local a deconstruction reads from, or a local holding a tuple): their elements.</summary>
    private readonly Dictionary<string, EquatableArray<Expr>> _tuples = new();

    /// <summary>
    /// True when <paramref name="value"/> (rewritten) is a tuple: then <paramref name="name"/> holds its elements and no local
    /// is made. Otherwise the name no longer holds a tuple.
    /// </summary>
    private bool HoldsTuple(string name, Expr value)
    {
        if (value is TupleExpr tuple)
        {
            _tuples[name] = tuple.Items;
            return true;
        }

        _tuples.Remove(name);
        return false;
    }

    /// <summary>An element of a tuple: of one held by name or written out, the element itself; of a child's result, the element node.</summary>
    private Expr? RewriteTupleItem(TupleItemExpr item)
    {
        if (Rewrite(item.Tuple) is not { } whole)
        {
            return null;
        }

        if (whole is not TupleExpr written)
        {
            return item with { Tuple = whole }; // a child's tuple: Building takes the element from the child's results
        }

        return item.Index < written.Items.Count
            ? written.Items[item.Index]
            : Failed(item, $"the tuple holds {written.Items.Count} tensors, so it has no element {item.Index + 1}");
    }

    /// <summary>The tuples held now, to run a branch on a hyperparameter from (<see cref="RestoreTuples"/>).</summary>
    private Dictionary<string, EquatableArray<Expr>> SaveTuples() => new(_tuples);

    private void RestoreTuples(Dictionary<string, EquatableArray<Expr>> saved)
    {
        _tuples.Clear();
        foreach (var pair in saved)
        {
            _tuples[pair.Key] = pair.Value;
        }
    }

    /// <summary>
    /// After both branches of an <c>if</c> on a hyperparameter ran (the else branch's tuples held now): a tuple held before
    /// that the branches leave different holds each element selected by <paramref name="mask"/>, as a local's value is.
    /// </summary>
    private void MergeTuples(Dictionary<string, EquatableArray<Expr>> before, Dictionary<string, EquatableArray<Expr>> then, ScalarExpr mask, LocationInfo? location)
    {
        foreach (string name in _tuples.Keys.Where(k => !before.ContainsKey(k)).ToList())
        {
            _tuples.Remove(name); // declared in a branch: out of scope after it
        }

        foreach (string name in before.Keys)
        {
            if (then.TryGetValue(name, out var taken) && _tuples.TryGetValue(name, out var otherwise) && !taken.Equals(otherwise) && taken.Count == otherwise.Count)
            {
                _tuples[name] = taken.Zip(otherwise, (t, e) => (Expr)Select(mask, t, e, $"{name}: {t.Text} or {e.Text}", location)).ToEquatableArray();
            }
        }
    }
}
