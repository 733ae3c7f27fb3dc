using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>Branches on a <c>bool</c> hyperparameter: both built, their values selected when the kernels run.</summary>
internal sealed partial class ForwardUnroller
{
    /// <summary>
    /// An <c>if</c> on a hyperparameter (<c>if (useBias)</c>): both branches are built from the same values, then every
    /// local (and array element) they leave different is selected by the condition when the kernels run — an
    /// <c>Ops.Where</c> on a scalar mask, so the gradient flows into the branch taken only, and the unused branch's
    /// values (even NaN) never reach the result.
    /// </summary>
    private bool RunBoth(IfStatement branch)
    {
        if (Mask(branch.Condition, branch.ConditionLocation, branch.Condition.ToString()) is not { } mask)
        {
            return false;
        }

        if (Returns(branch.Then) || Returns(branch.Else))
        {
            return RunBothToTheEnd(branch, mask);
        }

        var current = new Dictionary<string, string>(_current);
        var arrays = _arrays.ToDictionary(p => p.Key, p => (string?[])p.Value.Clone());
        var tuples = SaveTuples();
        var result = _result;
        if (!Run(branch.Then) || _result != result)
        {
            return _result == result ? false : Fail(branch.ConditionLocation, branch.Condition.ToString(), RunTimeReturn);
        }

        var thenCurrent = new Dictionary<string, string>(_current);
        var thenArrays = _arrays.ToDictionary(p => p.Key, p => p.Value);
        var thenTuples = SaveTuples();
        RestoreTuples(tuples);
        _current.Clear();
        foreach (var pair in current)
        {
            _current[pair.Key] = pair.Value;
        }

        _arrays.Clear();
        foreach (var pair in arrays)
        {
            _arrays[pair.Key] = (string?[])pair.Value.Clone();
        }

        if (!Run(branch.Else) || _result != result)
        {
            return _result == result ? false : Fail(branch.ConditionLocation, branch.Condition.ToString(), RunTimeReturn);
        }

        // What either branch declared is out of scope after the if; what both reach differently is selected.
        MergeTuples(tuples, thenTuples, mask, branch.Location);
        foreach (string name in _current.Keys.Where(k => !current.ContainsKey(k)).ToList())
        {
            _current.Remove(name);
        }

        foreach (string name in current.Keys)
        {
            if (_current[name] != thenCurrent[name])
            {
                var selected = Select(mask, Local(thenCurrent[name]), Local(_current[name]), name, branch.Location);
                if (!Define(name, selected, branch.Location, out string local))
                {
                    return false;
                }

                _current[name] = local;
            }
        }

        foreach (string name in _arrays.Keys.Where(k => !arrays.ContainsKey(k)).ToList())
        {
            _arrays.Remove(name);
        }

        foreach (var (name, elements) in _arrays.Select(p => (p.Key, p.Value)).ToList())
        {
            var taken = thenArrays[name];
            for (int i = 0; i < elements.Length; i++)
            {
                if (elements[i] == taken[i])
                {
                    continue;
                }

                // Assigned in one branch only: unassigned after the if (reading it is reported there).
                if (elements[i] is not { } otherwise || taken[i] is not { } then)
                {
                    elements[i] = null;
                    continue;
                }

                if (!Define(name, Select(mask, Local(then), Local(otherwise), $"{name}[{i}]", branch.Location), branch.Location, out string element))
                {
                    return false;
                }

                elements[i] = element;
            }
        }

        return true;
    }

    private const string RunTimeReturn = "a branch on a hyperparameter or on Training must return on both paths, one tensor or a tuple of as many on each (both are built and their results selected when the kernels run)";

    private static NameExpr Local(string name) => new(name, NameKind.Local, name, null);

    /// <summary>
    /// A condition known only when the layer is constructed, as a scalar the kernels compute (1 when true, 0 when
    /// false); null after reporting an integer of it that cannot be computed.
    /// </summary>
    private ScalarExpr? Mask(BoolExpr condition, LocationInfo? location, string text)
    {
        foreach (var value in condition.Integers())
        {
            if (Evaluate(value, location, "the condition") is null)
            {
                return null;
            }
        }

        return new ScalarExpr($"({condition.Template(_integers)} ? 1f : 0f)", text, location);
    }

    /// <summary><c>Ops.Where(mask, whenTrue, whenFalse)</c> on a scalar mask.</summary>
    private static CallExpr Select(ScalarExpr mask, Expr whenTrue, Expr whenFalse, string text, LocationInfo? location) =>
        new(Ir.OpTable.Find(Ir.WrittenForm.OpsFunction, "Where").First(o => o.Operands == 3), new[] { mask, whenTrue, whenFalse }.ToEquatableArray(), EquatableArray<int>.Empty, text, location);
}
