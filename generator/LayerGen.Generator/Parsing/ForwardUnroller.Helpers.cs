using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>Helpers (methods and local functions of the layer) inlined at each call, in a scope of their own.</summary>
internal sealed partial class ForwardUnroller
{
    /// <summary>
    /// A helper's call inlined: its arguments computed here, bound to its parameters, its body run; its value is what
    /// the body returns. The names it declares are then the caller's again; the caller's locals it assigns (a local
    /// function's captures) keep their new values, as in C#.
    /// </summary>
    private Expr? Inline(InlineCallExpr call)
    {
        var tensors = new List<(string Parameter, Expr Value)>();
        var integers = new List<(string Parameter, int Value)>();
        foreach (var argument in call.Arguments)
        {
            if (argument.Integer is { } integer)
            {
                if (Evaluate(integer, call.Location, $"the argument of '{argument.Parameter}'") is not int value)
                {
                    return null;
                }

                integers.Add((argument.Parameter, value));
            }
            else if (Rewrite(argument.Tensor!) is { } tensor)
            {
                tensors.Add((argument.Parameter, tensor));
            }
            else
            {
                return null;
            }
        }

        var current = new Dictionary<string, string>(_current);
        var saved = new Dictionary<string, int>(_integers);
        var arrays = new Dictionary<string, string?[]>(_arrays);
        var result = _result;
        _result = null;
        foreach (var (parameter, value) in integers)
        {
            _integers[parameter] = value;
        }

        foreach (var (parameter, value) in tensors)
        {
            if (!Define(parameter, value, call.Location, out string name))
            {
                return null;
            }

            _current[parameter] = name;
        }

        _after.Add(Rest.HelperBody); // a return in the helper ends the helper, not the forward
        bool ran = Run(call.Body);
        _after.RemoveAt(_after.Count - 1);
        var returned = _result;
        _result = result;
        _integers.Clear();
        foreach (var pair in saved)
        {
            _integers[pair.Key] = pair.Value;
        }

        foreach (string name in call.Declared)
        {
            Restore(_current, current, name);
            Restore(_arrays, arrays, name);
        }

        if (!ran)
        {
            return null;
        }

        return returned ?? Failed(call, $"'{call.Helper}' ended without returning a value");
    }

    private static void Restore<T>(Dictionary<string, T> values, Dictionary<string, T> before, string name)
    {
        if (before.TryGetValue(name, out var value))
        {
            values[name] = value;
        }
        else
        {
            values.Remove(name);
        }
    }
}
