using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// Inputs of int64 ids and the gathers that read them: <c>weight[ids]</c>, <c>Ops.Embedding(ids, weight)</c>,
/// <c>weight.IndexSelect(0, ids)</c>, and a child layer that takes ids (<c>embedding.Call(ids)</c>).
/// </summary>
/// <remarks>
/// <para>An input is ids when the forward uses it as ids (inferred from use, as PyTorch infers nothing but checks the
/// dtype when the op runs): the kernels then take it as a <c>ReadOnlySpan&lt;long&gt;</c>, the glue checks its dtype,
/// and it has no gradient. Only an input can be ids, and ids can only index: arithmetic on ids, returning them or
/// passing them to a layer of float inputs is LG0005 on the expression (PyTorch has no gradient for ids either).</para>
/// <para>The indexed tensor has no batch (a parameter, or a value computed from parameters): its rows are gathered
/// by one block copy each (<see cref="Op.GatherRows"/>), and its gradient is scatter-added (<see cref="Op.ScatterAddRows"/>).</para>
/// </remarks>
internal sealed partial class GraphBuilder
{
    private HashSet<string>? _idsInputs;

    /// <summary>The names of the inputs the forward uses as ids, found once before any leaf is made.</summary>
    private HashSet<string> IdsInputs => _idsInputs ??= FindIdsInputs();

    private HashSet<string> FindIdsInputs()
    {
        var inputs = new HashSet<string>(_layer.Forward.AllInputNames);
        var found = new HashSet<string>();
        void Note(Expr expr)
        {
            if (expr is NameExpr { Kind: NameKind.Input } name && inputs.Contains(name.Name))
            {
                found.Add(name.Name);
            }
        }

        void Walk(Expr expr)
        {
            switch (expr)
            {
                case CallExpr call:
                    if (IdsOperand(call) is int position && position < call.Operands.Count)
                    {
                        Note(call.Operands[position]);
                    }

                    foreach (var operand in call.Operands)
                    {
                        Walk(operand);
                    }

                    break;
                case ChildCallExpr child:
                    var arguments = new[] { child.Input }.Concat(child.OtherInputs).ToList();
                    var ids = ChildIdsInputs(child.Child);
                    for (int i = 0; i < arguments.Count; i++)
                    {
                        if (ids.Contains(i))
                        {
                            Note(arguments[i]);
                        }

                        Walk(arguments[i]);
                    }

                    break;
                case TupleExpr tuple:
                    foreach (var item in tuple.Items)
                    {
                        Walk(item);
                    }

                    break;
                case TupleItemExpr item:
                    Walk(item.Tuple);
                    break;
                case ConditionalExpr conditional:
                    Walk(conditional.WhenTrue);
                    Walk(conditional.WhenFalse);
                    break;
            }
        }

        foreach (var local in _layer.Forward.Locals)
        {
            Walk(local.Value);
        }

        foreach (var result in _layer.Forward.AllResults)
        {
            Walk(result);
        }

        return found;
    }

    /// <summary>Which operand of a gather holds the ids (Embedding takes them first), or null for other ops.</summary>
    private static int? IdsOperand(CallExpr call) => call.Op.Construct switch
    {
        Construct.Embedding => 0,
        Construct.IndexSelect or Construct.Indexed or Construct.Gather => 1,
        _ => null,
    };

    /// <summary>The positions of the inputs a child layer takes as ids (from its signature; none when unknown).</summary>
    private EquatableArray<int> ChildIdsInputs(string childName)
    {
        var child = _layer.Children.FirstOrDefault(c => c.Name == childName);
        return child is not null && _signatureOf(child) is { } signature ? signature.IdsInputs : EquatableArray<int>.Empty;
    }

    /// <summary>An input leaf: of ids when the forward uses it as ids.</summary>
    private int AddInput(string name, Shape shape)
    {
        int id = _graph.Add(new Node(0, Op.Input, System.Array.Empty<int>(), shape) { Name = name, Text = name, IsIds = IdsInputs.Contains(name) });
        _names[name] = id;
        return id;
    }

    /// <summary>The ids operand of a gather or of a child taking ids: an input of ids, or null after reporting why not.</summary>
    private int? VisitIds(Expr expr, string use)
    {
        if (expr is NameExpr { Kind: NameKind.Input } name && _names.TryGetValue(name.Name, out int id) && _graph[id].IsIds)
        {
            return id;
        }

        Unsupported(expr, $"{use} takes int64 ids, and ids can only be an input of Forward passed as it is (e.g. 'Tensor Forward(Tensor ids) => weight[ids];'); '{expr.Text}' is computed");
        return null;
    }

    /// <summary>Null, or the report that an ids input is used where a float tensor is expected.</summary>
    private int? RefuseIds(NameExpr name, int id)
    {
        if (!_graph[id].IsIds)
        {
            return id;
        }

        Unsupported(name, $"'{name.Name}' holds int64 ids (it is used as indices), and ids can only index: weight[{name.Name}], Ops.Embedding({name.Name}, weight), weight.IndexSelect(0, {name.Name}), or a child layer taking ids; there is no arithmetic, result or gradient of ids");
        return null;
    }

    /// <summary>LG0003 on <paramref name="expr"/>: what a forward cannot do with ids (not a shape problem).</summary>
    private void Unsupported(Expr expr, string why) =>
        _diagnostics.Add(Diagnostics.DiagnosticInfo.Create(Diagnostics.DiagnosticDescriptors.UnsupportedExpression, expr.Location, expr.Text, _layer.ClassName, why));

    /// <summary><c>weight[ids]</c>, <c>Ops.Embedding(ids, weight)</c>, <c>weight.IndexSelect(0, ids)</c>: rows of a tensor without the batch.</summary>
    private int? Gather(CallExpr call)
    {
        var construct = call.Op.Construct;
        int idsAt = IdsOperand(call)!.Value;
        string owner = construct switch
        {
            Construct.Embedding => "Embedding",
            Construct.IndexSelect => "IndexSelect",
            _ => "index",
        };
        string spelled = construct switch
        {
            Construct.Embedding => "Ops.Embedding(ids, weight)",
            Construct.IndexSelect => "IndexSelect(0, ids)",
            _ => "weight[ids]",
        };

        if (Visit(call.Operands[1 - idsAt]) is not int source || VisitIds(call.Operands[idsAt], spelled) is not int ids)
        {
            return null;
        }

        var sourceShape = ShapeOf(source);
        if (sourceShape.HasRows || sourceShape.Rank == 0)
        {
            Report(call, sourceShape.HasRows
                ? $"{spelled} picks rows of a tensor without the batch (a parameter, e.g. an embedding table), but this one has shape {sourceShape}"
                : $"{spelled} needs a tensor with a dimension to index, but this one is a scalar");
            return null;
        }

        if (construct == Construct.Embedding && sourceShape.Rank != 2)
        {
            Report(call, $"Ops.Embedding needs a 2-D weight [num_embeddings, embedding_dim], but it has shape {sourceShape}");
            return null;
        }

        var idsShape = ShapeOf(ids);
        if (construct == Construct.IndexSelect)
        {
            if (call.Constants.Count == 0 || !call.IsConstantAt(0) || (call.Constants[0] < 0 ? call.Constants[0] + sourceShape.Rank : call.Constants[0]) != 0)
            {
                Report(call, "IndexSelect is compiled along dimension 0 (rows of a parameter): write IndexSelect(0, ids)");
                return null;
            }

            // index_select takes a vector of ids: one id per row of the batch.
            if (WithRank(idsShape, 1) is null || ShapeOf(ids).Rank != 1)
            {
                Report(call, $"IndexSelect takes a vector of ids (one per row), but the ids have shape {idsShape}; use weight[ids] or Ops.Embedding for ids of any shape");
                return null;
            }

            idsShape = ShapeOf(ids);
        }

        if (_unifier is not null && idsShape.Dims.Any(d => d.IsVariable))
        {
            // While inferring: the ids' shape is what the layer's input declares, or any ([*]); the result's rank follows it.
            return Unknown();
        }

        var shape = new Shape(idsShape.Dims.Concat(sourceShape.Dims.Skip(1)).ToArray());
        var wraps = new[] { construct == Construct.Indexed ? 1 : 0 }.ToEquatableArray();
        return _graph.Add(new Node(0, Op.GatherRows, new[] { source, ids }, shape) { Name = owner, Ints = wraps, Text = call.Text });
    }
}
