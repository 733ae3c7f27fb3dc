using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// The sizes a forward's control flow reads (<c>t &lt; numSteps</c>) and their values: a layer whose loops need a size is
/// unrolled once the constant constructions are known (<see cref="Resolve"/>), with that size then a constant of its shapes.
/// </summary>
internal sealed partial class ForwardUnroller
{
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
        if (forward.WithResults(resolved.Locals, resolved.Result, layer.ClassName, diagnostics) is not { } withResults)
        {
            return null;
        }

        withResults = withResults with { BufferUpdates = resolved.Updates };

        return layer with
        {
            Forward = withResults with { Deferred = EquatableArray<ForwardStatement>.Empty, FixedSizes = fixedSizes },
            Input = layer.Input is { } input ? new DeclaredInput(FixAll(input.Features)) : null,
            OtherInputs = layer.OtherInputs.Select(other => new DeclaredInput(FixAll(other.Features))).ToEquatableArray(),
            Parameters = layer.Parameters.Select(p => p with { Shape = FixAll(p.Shape) }).ToEquatableArray(),
            Children = layer.Children.Select(c => c with { Arguments = c.Arguments is { } arguments ? FixAll(arguments) : null }).ToEquatableArray(),
        };
    }

    /// <summary>Names the forward's values must not take: its inputs, parameters and children.</summary>
    public static IEnumerable<string> TakenNames(ForwardModel forward, IEnumerable<string> parameterNames, IEnumerable<string> childNames)
    {
        yield return forward.InputName;
        foreach (string input in forward.OtherInputNames)
        {
            yield return input; // a reassigned input's new values are named h_2, h_3, ... (StatementReader.Inputs.cs)
        }

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
                foreach (var other in child.OtherInputs)
                {
                    walk(other);
                }

                break;
            case TupleExpr tuple:
                foreach (var item in tuple.Items)
                {
                    walk(item);
                }

                break;
            case TupleItemExpr item:
                walk(item.Tuple);
                break;
        }
    }
}
