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
internal sealed class ForwardUnroller
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
    public static (EquatableArray<LocalModel> Locals, Expr Result)? Unroll(
        string layerName,
        EquatableArray<ForwardStatement> body,
        IReadOnlyDictionary<string, int> sizes,
        IReadOnlyDictionary<string, string> unknownSizes,
        IEnumerable<string> takenNames,
        List<DiagnosticInfo> diagnostics)
    {
        var unroller = new ForwardUnroller(layerName, new Dictionary<string, int>(sizes.ToDictionary(p => p.Key, p => p.Value)), unknownSizes, takenNames, diagnostics);
        if (!unroller.Run(body) || unroller._result is null)
        {
            return null;
        }

        return (unroller._locals.ToEquatableArray(), unroller._result);
    }

    /// <summary>
    /// A layer whose control flow reads its sizes (<see cref="ForwardModel.Deferred"/>), unrolled with the values its
    /// constant constructions give them; null after reporting why it cannot be. The layer is unrolled once, so such a
    /// size must have one value in the whole compilation (<c>new Rnn(numSteps: 8, ...)</c> everywhere); the generated
    /// glue refuses an instance constructed with another (<see cref="ForwardModel.FixedSizes"/>).
    /// </summary>
    public static LayerModel? Resolve(LayerModel layer, EquatableArray<EquatableArray<int>> specialisations, IEnumerable<string> parameterNames, List<DiagnosticInfo> diagnostics)
    {
        var forward = layer.Forward;
        var known = new Dictionary<string, int>();
        var unknown = new Dictionary<string, string>();
        foreach (string size in SizesRead(forward.Deferred))
        {
            int index = layer.SizeParameters.ToList().IndexOf(size);
            var values = index < 0 ? new List<int>() : specialisations.Select(s => s[index]).Distinct().OrderBy(v => v).ToList();
            if (values.Count == 1)
            {
                known[size] = values[0];
            }
            else
            {
                unknown[size] = values.Count == 0
                    ? $"'{size}' is a size known only at run time (no construction of {layer.ClassName} with a constant {size} was found); construct it with a constant, e.g. 'new {layer.ClassName}(...)' with {size} written as a number"
                    : $"{layer.ClassName} is constructed with {size} = {string.Join(" and ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)))}, and a forward is unrolled for one value of a size in a compilation";
            }
        }

        var unrolled = Unroll(layer.ClassName, forward.Deferred, known, unknown, TakenNames(forward, parameterNames, layer.Children.Select(c => c.Name)), diagnostics);
        if (unrolled is not { } resolved)
        {
            return null;
        }

        var fixedSizes = known.OrderBy(p => layer.SizeParameters.ToList().IndexOf(p.Key)).Select(p => new SizeRef(p.Value, p.Key)).ToEquatableArray();

        // Every kernel, the run-time one included, is unrolled for these values: they are constants of its shapes too
        // (x.Narrow(1, t, 1) needs axis 1's size), as the glue checks each instance has them.
        SizeRef Fix(SizeRef size) => size.Symbol is { } symbol && known.TryGetValue(symbol, out int value) ? new SizeRef(value, null) : size;
        EquatableArray<SizeRef> FixAll(EquatableArray<SizeRef> sizes) => sizes.Select(Fix).ToEquatableArray();
        return layer with
        {
            Forward = forward with { Locals = resolved.Locals, Result = resolved.Result, Deferred = EquatableArray<ForwardStatement>.Empty, FixedSizes = fixedSizes },
            Input = layer.Input is { } input ? new DeclaredInput(FixAll(input.Features)) : null,
            Parameters = layer.Parameters.Select(p => p with { Shape = FixAll(p.Shape) }).ToEquatableArray(),
            Children = layer.Children.Select(c => c with { Arguments = c.Arguments is { } arguments ? FixAll(arguments) : null }).ToEquatableArray(),
        };
    }

    /// <summary>Names the forward's values must not take: its inputs, parameters and children.</summary>
    public static IEnumerable<string> TakenNames(ForwardModel forward, IEnumerable<string> parameterNames, IEnumerable<string> childNames)
    {
        yield return forward.InputName;
        if (forward.TargetName is { } target)
        {
            yield return target;
        }

        foreach (string name in parameterNames.Concat(childNames))
        {
            yield return name;
        }
    }

    /// <summary>The size parameters the body's control flow reads (bounds, lengths, indices): unrolling needs their values.</summary>
    public static IEnumerable<string> SizesRead(IEnumerable<ForwardStatement> body)
    {
        var loopVariables = new HashSet<string>();
        var names = new SortedSet<string>(System.StringComparer.Ordinal);
        void Add(IntExpr value)
        {
            foreach (string name in value.Names())
            {
                names.Add(name);
            }
        }

        void Walk(IEnumerable<ForwardStatement> statements)
        {
            foreach (var statement in statements)
            {
                switch (statement)
                {
                    case AssignStatement assign:
                        WalkExpr(assign.Value, Add);
                        break;
                    case NewArrayStatement array:
                        Add(array.Length);
                        break;
                    case StoreStatement store:
                        Add(store.Index);
                        WalkExpr(store.Value, Add);
                        break;
                    case ForStatement loop:
                        loopVariables.Add(loop.Variable);
                        Add(loop.Start);
                        Add(loop.End);
                        Walk(loop.Body);
                        break;
                    case ReturnStatement ret:
                        WalkExpr(ret.Value, Add);
                        break;
                    case IfStatement branch:
                        AddBool(branch.Condition);
                        Walk(branch.Then);
                        Walk(branch.Else);
                        break;
                }
            }
        }

        void AddBool(BoolExpr condition)
        {
            foreach (var value in condition.Integers())
            {
                Add(value);
            }
        }

        void WalkExpr(Expr expr, System.Action<IntExpr> add)
        {
            switch (expr)
            {
                case ConditionalExpr conditional:
                    AddBool(conditional.Condition);
                    WalkExpr(conditional.WhenTrue, add);
                    WalkExpr(conditional.WhenFalse, add);
                    break;
                case InlineCallExpr call:
                    foreach (var argument in call.Arguments)
                    {
                        if (argument.Integer is { } integer)
                        {
                            loopVariables.Add(argument.Parameter);
                            add(integer);
                        }
                        else
                        {
                            WalkExpr(argument.Tensor!, add);
                        }
                    }

                    Walk(call.Body);
                    break;
                default:
                    ForwardUnroller.WalkExpr(expr, add, e => WalkExpr(e, add));
                    break;
            }
        }

        Walk(body);
        return names.Where(n => !loopVariables.Contains(n)).ToList();
    }

    /// <summary>The integers of one expression node, with <paramref name="walk"/> called on its operands.</summary>
    private static void WalkExpr(Expr expr, System.Action<IntExpr> add, System.Action<Expr> walk)
    {
        switch (expr)
        {
            case ElementExpr element:
                add(element.Index);
                break;
            case IntValueExpr value:
                add(value.Value);
                break;
            case CallExpr call:
                foreach (var constant in call.LoopConstants)
                {
                    add(constant.Value);
                }

                foreach (var operand in call.Operands)
                {
                    walk(operand);
                }

                break;
            case ChildCallExpr child:
                walk(child.Input);
                break;
        }
    }

    private bool Run(IEnumerable<ForwardStatement> statements)
    {
        foreach (var statement in statements)
        {
            if (_result is not null)
            {
                return true;
            }

            switch (statement)
            {
                case AssignStatement assign:
                    if (Rewrite(assign.Value) is not { } value)
                    {
                        return false;
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
        }

        return true;
    }

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

        var current = new Dictionary<string, string>(_current);
        var arrays = _arrays.ToDictionary(p => p.Key, p => (string?[])p.Value.Clone());
        var result = _result;
        if (!Run(branch.Then) || _result != result)
        {
            return _result == result ? false : Fail(branch.ConditionLocation, branch.Condition.ToString(), RunTimeReturn);
        }

        var thenCurrent = new Dictionary<string, string>(_current);
        var thenArrays = _arrays.ToDictionary(p => p.Key, p => p.Value);
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

    private const string RunTimeReturn = "a return inside a branch on a hyperparameter is not supported yet: both branches are built and their values selected when the kernels run, so assign the result to a local in each branch and return it after the if";

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
            if (!Run(loop.Body))
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
            case NameExpr { Kind: NameKind.Local } name:
                return _current.TryGetValue(name.Name, out string? current) ? name with { Name = current } : Failed(name, "the local is read before it has a value");
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
            case ChildCallExpr child:
                return Rewrite(child.Input) is { } input ? child with { Input = input } : null;
            default:
                return expr;
        }
    }

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

        bool ran = Run(call.Body);
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
