using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Resolves a forward body's control flow at compile time: runs its statements symbolically, unrolling each
/// <c>for</c> loop, giving every new value of a local a name of its own (<c>h</c>, <c>h_2</c>, … — static single
/// assignment) and every element of an array of tensors its own local, so the result is the plain list of locals and
/// the returned expression that the graph builder reads. Nothing after the parser sees a loop.
/// </summary>
/// <remarks>
/// Integers (loop bounds, indices, <c>x.Narrow(1, t, 1)</c>) are evaluated with the loop variables' values and, when a
/// bound is a size of the layer, that size's value (<see cref="Resolve"/>: the value every constant construction of
/// the layer agrees on). The unrolled size is limited (<see cref="MaxValues"/>) so a long loop is an error, not a hang.
/// </remarks>
internal sealed partial class ForwardUnroller
{
    /// <summary>The most locals an unrolled body may have: beyond it the kernels would be long and slow to compile.</summary>
    public const int MaxValues = 4096;

    private readonly string _layerName;
    private readonly Dictionary<string, int> _integers;
    private readonly IReadOnlyDictionary<string, string> _unknownSizes;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly Dictionary<string, string> _current = new();
    private readonly Dictionary<string, string?[]> _arrays = new();
    private readonly HashSet<string> _taken;
    private readonly List<LocalModel> _locals = new();
    private Expr? _result;

    private ForwardUnroller(string layerName, Dictionary<string, int> integers, IReadOnlyDictionary<string, string> unknownSizes, IEnumerable<string> takenNames, List<DiagnosticInfo> diagnostics)
    {
        _layerName = layerName;
        _integers = integers;
        _unknownSizes = unknownSizes;
        _taken = new HashSet<string>(takenNames);
        _diagnostics = diagnostics;
    }

    /// <summary>
    /// Unrolls <paramref name="body"/> with the given size values; null after reporting why it cannot be (a bound of
    /// unknown value, an index out of range, an element read before it is assigned, too long a loop).
    /// </summary>
    /// <param name="unknownSizes">Sizes without a value, each with why (read into the diagnostic of a bound that needs one).</param>
    /// <param name="takenNames">Names the new locals must not take (the input, parameters, every name the body declares).</param>
    public static (EquatableArray<LocalModel> Locals, Expr Result, EquatableArray<BufferUpdate> Updates)? Unroll(
        string layerName,
        EquatableArray<ForwardStatement> body,
        IReadOnlyDictionary<string, int> sizes,
        IReadOnlyDictionary<string, string> unknownSizes,
        IEnumerable<string> takenNames,
        List<DiagnosticInfo> diagnostics)
    {
        var unroller = new ForwardUnroller(layerName, new Dictionary<string, int>(sizes.ToDictionary(p => p.Key, p => p.Value)), unknownSizes, takenNames, diagnostics);
        var buffers = AssignedBuffers(body).Distinct().ToList();
        foreach (string buffer in buffers)
        {
            // Its value until the forward assigns it: the buffer itself (the graph's leaf of that name).
            unroller._current[buffer] = buffer;
        }

        if (!unroller.Run(body) || unroller._result is null)
        {
            return null;
        }

        var updates = buffers.Where(b => unroller._current[b] != b).Select(b => new BufferUpdate(b, unroller._current[b])).ToEquatableArray();
        return (unroller._locals.ToEquatableArray(), unroller._result, updates);
    }

    private bool Run(IEnumerable<ForwardStatement> statements)
    {
        var list = statements as IReadOnlyList<ForwardStatement> ?? statements.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (_result is not null)
            {
                return true;
            }

            // What runs after this statement, for a return inside a branch on a hyperparameter (RunBothToTheEnd).
            _after.Add(new Rest(list, i + 1, Rest.Boundary.None));
            bool ran = RunStatement(list[i]);
            _after.RemoveAt(_after.Count - 1);
            if (!ran)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One statement; false after reporting why it cannot run.</summary>
    private bool RunStatement(ForwardStatement statement)
    {
        switch (statement)
        {
            case AssignStatement assign:
                if (Rewrite(assign.Value) is not { } value)
                {
                    return false;
                }

                if (HoldsTuple(assign.Name, value))
                {
                    break; // (a, b) = (b, a): its elements, read now, are taken by the names (ForwardUnroller.Tuples.cs)
                }

                if (!Define(assign.Name, value, assign.Location, out string name))
                {
                    return false;
                }

                _current[assign.Name] = name;
                break;
            case NewArrayStatement array:
                if (Evaluate(array.Length, array.LengthLocation, "an array's length") is not int length)
                {
                    return false;
                }

                if (length < 0 || length > MaxValues)
                {
                    return Fail(array.LengthLocation, $"new Tensor[{length}]", length < 0 ? "an array's length cannot be negative" : $"an array of more than {MaxValues} tensors is too long to unroll");
                }

                _arrays[array.Name] = new string?[length];
                break;
            case StoreStatement store:
                if (Index(store.Array, store.Index, store.IndexLocation) is not int index || Rewrite(store.Value) is not { } stored)
                {
                    return false;
                }

                if (!Define(store.Array, stored, store.Location, out string element))
                {
                    return false;
                }

                _arrays[store.Array][index] = element; // Index found the array
                break;
            case ForStatement loop:
                if (!RunLoop(loop))
                {
                    return false;
                }

                break;
            case IfStatement { Condition.ReadsHyperparameter: true } branch:
                if (!RunBoth(branch))
                {
                    return false;
                }

                break;
            case IfStatement branch:
                if (Decide(branch.Condition, branch.ConditionLocation) is not bool taken || !Run(taken ? branch.Then : branch.Else))
                {
                    return false;
                }

                break;
            case ReturnStatement ret:
                _result = Rewrite(ret.Value);
                return _result is not null;
        }

        return true;
    }

    /// <summary>The value of a condition here, or null after reporting why it has none.</summary>
    private bool? Decide(BoolExpr condition, LocationInfo? location)
    {
        foreach (var value in condition.Integers())
        {
            if (Evaluate(value, location, "the condition") is null)
            {
                return null;
            }
        }

        return condition.Evaluate(_integers) is bool result ? result : Fail<bool>(location, condition.ToString(), "the condition cannot be computed (division by zero or overflow)");
    }

    private bool RunLoop(ForStatement loop)
    {
        if (Evaluate(loop.Start, loop.Location, "the loop's start") is not int start || Evaluate(loop.End, loop.BoundLocation, "the loop's bound") is not int end)
        {
            return false;
        }

        if (((long)end - start) / loop.Step > MaxValues)
        {
            return Fail(loop.BoundLocation, loop.End.ToString(), $"the loop runs {((long)end - start) / loop.Step} times, more than the {MaxValues} that LayerGen unrolls");
        }

        for (int i = start; i < end; i += loop.Step)
        {
            _integers[loop.Variable] = i;
            _after.Add(Rest.LoopBody);
            bool ran = Run(loop.Body);
            _after.RemoveAt(_after.Count - 1);
            if (!ran)
            {
                return false;
            }

            if (_result is not null)
            {
                // A return inside the loop: the forward (or helper) ends here.
                break;
            }
        }

        _integers.Remove(loop.Variable);
        return true;
    }

    /// <summary>Adds a local for a new value, named after <paramref name="name"/> (its first value keeps the name).</summary>
    private bool Define(string name, Expr value, LocationInfo? location, out string local)
    {
        local = name;
        for (int version = 2; !_taken.Add(local); version++)
        {
            local = name + "_" + version.ToString(CultureInfo.InvariantCulture);
        }

        _locals.Add(new LocalModel(local, value));
        return _locals.Count <= MaxValues || Fail(location, name, $"the unrolled forward has more than {MaxValues} values, too many to compile into one kernel; shorten the loop");
    }

    private Expr? Rewrite(Expr expr)
    {
        switch (expr)
        {
            case NameExpr { Kind: NameKind.Local } name when _tuples.TryGetValue(name.Name, out var held):
                return new TupleExpr(held, name.Text, name.Location); // 'return t;' of 'var t = (a, b);'
            case NameExpr { Kind: NameKind.Local } name:
                return _current.TryGetValue(name.Name, out string? current) ? name with { Name = current } : Failed(name, "the local is read before it has a value");
            case NameExpr { Kind: NameKind.Parameter } buffer when _current.TryGetValue(buffer.Name, out string? assigned):
                // A buffer the forward assigns: its latest value (the buffer itself until the assignment).
                return buffer with { Name = assigned, Kind = NameKind.Local };
            case ElementExpr element:
                if (Index(element.Array, element.Index, element.Location) is not int index)
                {
                    return null;
                }

                return _arrays[element.Array][index] is { } stored
                    ? new NameExpr(stored, NameKind.Local, element.Text, element.Location)
                    : Failed(element, $"element {index} of '{element.Array}' is read before it is assigned");
            case ArrayExpr array:
                return Failed(array, "an array of tensors can be passed whole only to an op that takes several tensors (Ops.Concat, Ops.Stack)");
            case IntValueExpr value:
                return Evaluate(value.Value, value.Location, "this number") is int number ? new NumberExpr(number, value.Text, value.Location) : null;
            case CallExpr call:
                return RewriteCall(call);
            case ConditionalExpr { Condition.ReadsHyperparameter: true } conditional:
                if (Mask(conditional.Condition, conditional.ConditionLocation, conditional.Text) is not { } mask || Rewrite(conditional.WhenTrue) is not { } whenTrue)
                {
                    return null;
                }

                return Rewrite(conditional.WhenFalse) is { } whenFalse ? Select(mask, whenTrue, whenFalse, conditional.Text, conditional.Location) : null;
            case ConditionalExpr conditional:
                return Decide(conditional.Condition, conditional.ConditionLocation) is bool taken ? Rewrite(taken ? conditional.WhenTrue : conditional.WhenFalse) : null;
            case InlineCallExpr call:
                return Inline(call);
            case UnmatchedSwitchExpr unmatched:
                return Unmatched(unmatched); // ForwardUnroller.Switch.cs
            case ChildCallExpr child:
                if (Rewrite(child.Input) is not { } input)
                {
                    return null;
                }

                var others = new List<Expr>();
                foreach (var other in child.OtherInputs)
                {
                    if (Rewrite(other) is not { } rewrittenOther)
                    {
                        return null;
                    }

                    others.Add(rewrittenOther);
                }

                return child with { Input = input, OtherInputs = others.ToEquatableArray() };
            case TupleItemExpr item:
                return RewriteTupleItem(item);
            case TupleExpr tuple:
                var items = new List<Expr>();
                foreach (var item in tuple.Items)
                {
                    if (Rewrite(item) is not { } rewritten)
                    {
                        return null;
                    }

                    items.Add(rewritten);
                }

                return tuple with { Items = items.ToEquatableArray() };
            default:
                return expr;
        }
    }

    private CallExpr? RewriteCall(CallExpr call)
    {
        var operands = new List<Expr>();
        foreach (var operand in call.Operands)
        {
            if (operand is ArrayExpr array)
            {
                if (!_arrays.TryGetValue(array.Array, out var elements))
                {
                    Failed(array, $"'{array.Array}' has no value here");
                    return null;
                }

                int missing = System.Array.IndexOf(elements, null);
                if (missing >= 0)
                {
                    Failed(array, $"element {missing} of '{array.Array}' is never assigned ({elements.Length} elements)");
                    return null;
                }

                operands.AddRange(elements.Select(e => new NameExpr(e!, NameKind.Local, array.Text, array.Location)));
                continue;
            }

            if (Rewrite(operand) is not { } rewritten)
            {
                return null;
            }

            operands.Add(rewritten);
        }

        var constants = call.Constants.ToArray();
        foreach (var constant in call.LoopConstants)
        {
            if (Evaluate(constant.Value, call.Location, "this argument") is not int value)
            {
                return null;
            }

            constants[constant.Position] = value;
        }

        return call with { Operands = operands.ToEquatableArray(), Constants = constants.ToEquatableArray(), LoopConstants = EquatableArray<LoopConstant>.Empty };
    }

    private int? Index(string array, IntExpr index, LocationInfo? location)
    {
        if (Evaluate(index, location, "an index") is not int value)
        {
            return null;
        }

        if (!_arrays.TryGetValue(array, out var elements))
        {
            return Fail<int>(location, array, $"'{array}' has no value here");
        }

        int length = elements.Length;
        return value >= 0 && value < length ? value : Fail<int>(location, index.ToString(), $"index {value} is outside '{array}', which has {length} elements");
    }

    private int? Evaluate(IntExpr value, LocationInfo? location, string what)
    {
        var unknown = value.Names().Where(n => !_integers.ContainsKey(n)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            string why = string.Join("; ", unknown.Select(n => _unknownSizes.TryGetValue(n, out string? reason) ? reason : $"'{n}' has no value here"));
            return Fail<int>(location, value.ToString(), $"{what} must be known at compile time, since LayerGen unrolls the forward's control flow: {why}");
        }

        return value.Evaluate(_integers) is long result && result >= int.MinValue && result <= int.MaxValue
            ? (int)result
            : Fail<int>(location, value.ToString(), $"{what} cannot be computed (division by zero or overflow)");
    }

    private T? Failed<T>(T expr, string why)
        where T : Expr
    {
        Fail(expr.Location, expr.Text, why);
        return null;
    }

    private T? Fail<T>(LocationInfo? location, string text, string why)
        where T : struct
    {
        Fail(location, text, why);
        return null;
    }

    private bool Fail(LocationInfo? location, string text, string why)
    {
        _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedExpression, location, text, _layerName, why));
        return false;
    }
}
