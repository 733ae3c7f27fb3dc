using System.Collections.Generic;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// A child layer returning a tuple, taken apart in the forward: <c>var (outputs, state) = rnn.Call(x, h);</c> or
/// <c>var result = rnn.Call(x, h); ... result.Item2</c>. The call is one <see cref="Op.ChildCall"/> node holding the
/// first result, with one <see cref="Op.ChildResult"/> node per further result; the child's forward writes them all
/// and its backward reads every result's gradient (<see cref="Autodiff.ReverseMode"/>).
/// </summary>
internal sealed partial class GraphBuilder
{
    /// <summary>A tuple-returning child's call → its results in order (the call itself first).</summary>
    private readonly Dictionary<int, int[]> _tuples = new();

    /// <summary>The locals holding a child's whole tuple (<c>var result = rnn.Call(x, h);</c>), read only through their elements.</summary>
    private readonly HashSet<string> _tupleLocals = new();

    /// <summary>
    /// A local's value: a child's whole tuple may be held in a local, to be taken apart later. Such a local names no
    /// buffer (its elements do), so it is not a statement of the graph.
    /// </summary>
    private int? VisitLocalValue(LocalModel local)
    {
        if (local.Value is not ChildCallExpr child)
        {
            return Visit(local.Value);
        }

        int? id = Child(child, wholeTuple: true) ?? (_unifier is not null ? Unknown() : null);
        if (id is int call && _tuples.ContainsKey(call))
        {
            _tupleLocals.Add(local.Name);
        }

        return id;
    }

    private bool HoldsTuple(string local) => _tupleLocals.Contains(local);

    /// <summary>The results of a tuple-returning child's call: the call node, then one ChildResult node per further output.</summary>
    private int AddTupleResults(int call, IReadOnlyList<Shape> otherOutputs, ChildCallExpr expr)
    {
        var parts = new int[otherOutputs.Count + 1];
        parts[0] = call;
        for (int k = 1; k < parts.Length; k++)
        {
            parts[k] = _graph.Add(new Node(0, Op.ChildResult, new[] { call }, otherOutputs[k - 1]) { Name = expr.Child, Ints = new[] { k }.ToEquatableArray(), Text = expr.Text });
        }

        _tuples[call] = parts;
        return call;
    }

    /// <summary><c>result.Item2</c>, or an element of a deconstruction: one result of a child's tuple.</summary>
    private int? TupleItem(TupleItemExpr item)
    {
        int? whole = item.Tuple switch
        {
            NameExpr name when _names.TryGetValue(name.Name, out int found) => found,
            ChildCallExpr child => Child(child, wholeTuple: true),
            _ => null,
        };
        if (whole is not int id || !_tuples.TryGetValue(id, out var parts))
        {
            return _unifier is not null
                ? Unknown()
                : NotAValue(item, $"'{item.Tuple.Text}' is not a tuple: only a child layer whose Forward returns several tensors gives one to take apart");
        }

        if (item.Index >= parts.Length)
        {
            return NotAValue(item, $"'{item.Tuple.Text}' holds {parts.Length} tensors, so it has no element {item.Index + 1}");
        }

        return parts[item.Index];
    }

    private int? RefuseWholeTuple(NameExpr expr) => NotAValue(
        expr,
        $"'{expr.Text}' is a tuple of {_tuples[_names[expr.Name]].Length} tensors, not a tensor: take it apart, e.g. 'var (output, state) = ...;', or read one element with '.Item1'");
}
