using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Ir;

/// <summary>Thrown when a stage leaves the IR broken: a bug in the generator, reported loudly (LG0999) rather than emitted.</summary>
internal sealed class IrVerificationException : System.InvalidOperationException
{
    public IrVerificationException(string stage, IReadOnlyList<string> problems)
        : base($"the IR after {stage} is broken: {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? $" (and {problems.Count - 5} more)" : string.Empty)}")
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }
}

/// <summary>
/// Checks the rules every op graph keeps, after graph building and again after autodiff (tinygrad's
/// <c>uop/spec.py</c> in spirit): ids are positions and arguments come before their users; each node has its
/// kind's arguments and attributes; and each node's shape is the one its op's shape rule derives from its
/// arguments' shapes. Run by test builds (the <c>LayerGenVerifyIr</c> switch), so a wrong rule fails at the node
/// it broke rather than as a wrong number somewhere downstream.
/// </summary>
internal static class GraphVerifier
{
    public static void Check(Graph graph, string stage)
    {
        var problems = Problems(graph).ToList();
        if (problems.Count > 0)
        {
            throw new IrVerificationException(stage, problems);
        }
    }

    public static IEnumerable<string> Problems(Graph graph)
    {
        for (int id = 0; id < graph.Nodes.Count; id++)
        {
            var node = graph[id];
            if (node.Id != id)
            {
                yield return $"node at position {id} has id {node.Id}";
                continue;
            }

            if (node.Args.Any(a => a < 0 || a >= id))
            {
                yield return $"{node}: an argument does not come before it";
                continue;
            }

            if (node.Shape.Dims.Any(d => d.IsVariable))
            {
                yield return $"{node}: its shape holds a size inference never settled";
                continue;
            }

            if (ShapeProblem(graph, node) is { } problem)
            {
                yield return $"{node}: {problem}";
            }

            // Ids (int64) are read only as indices: by a gather, its adjoint, or a child layer that takes ids.
            if (node.Op is not (Op.GatherRows or Op.ScatterAddRows or Op.GatherAxis or Op.ScatterAddAxis or Op.ChildCall or Op.ChildGrad)
                && node.Args.Any(a => graph[a].IsIds))
            {
                yield return $"{node}: it reads an input of ids as float values";
            }
        }

        foreach (var (role, id, op) in Roles(graph))
        {
            if (id < 0 || id >= graph.Nodes.Count || graph[id].Op != op)
            {
                yield return $"the {role} is node {id}, which is not an {op} node";
            }
        }
    }

    private static IEnumerable<(string Role, int Id, Op Op)> Roles(Graph graph)
    {
        for (int i = 0; i < graph.Inputs.Count; i++)
        {
            yield return (i == 0 ? "input" : $"input {i}", graph.Inputs[i], Op.Input);
        }
        if (graph.Target >= 0)
        {
            yield return ("target", graph.Target, Op.Target);
        }

        foreach (var parameter in graph.Parameters)
        {
            yield return ($"parameter '{parameter.Key}'", parameter.Value, Op.Parameter);
        }
    }

    /// <summary>What is wrong with the node's arguments or shape by its op's rule, or null.</summary>
    private static string? ShapeProblem(Graph graph, Node node)
    {
        Shape Arg(int i) => graph[node.Args[i]].Shape;
        string? Expect(Shape? derived, string what = "derived") =>
            derived is null ? $"its shape cannot be {what} from its arguments'" : derived.Equals(node.Shape) ? null : $"its shape should be {derived} ({what} from its arguments')";
        string? Arity(int count) => node.Args.Count == count ? null : $"{node.Op} takes {count} argument(s), not {node.Args.Count}";

        switch (node.Op)
        {
            case Op.Input or Op.Target or Op.Parameter or Op.OutputGrad or Op.DropoutMask:
                return Arity(0);
            case Op.Constant or Op.InverseCount:
                return Arity(0) ?? (node.Shape.Equals(Shape.Scalar) ? null : "a constant is a scalar");
            case Op.Elementwise:
                return Elementwise(graph, node);
            case Op.MatMul:
                return Arity(2) ?? Expect(MatMulShape(Arg(0), Arg(1), node.TransposeA, node.TransposeB));
            case Op.ReduceSum:
                return Arity(1) ?? (BroadcastsTo(node.Shape, Arg(0)) ? null : $"{Arg(0)} cannot be summed down to it");
            case Op.Reshape:
                return Arity(1) ?? (SameCount(graph, Arg(0), node.Shape) ? null : $"{Arg(0)} has another element count");
            case Op.Permute:
                return Arity(1) ?? (node.Ints.OrderBy(i => i).SequenceEqual(Enumerable.Range(0, Arg(0).Rank))
                    ? Expect(new Shape(node.Ints.Select(i => Arg(0)[i]).ToArray()), "permuted")
                    : $"({string.Join(", ", node.Ints)}) is not a permutation of {Arg(0)}");
            case Op.Slice:
                return Arity(1) ?? (node.Start.IsSize ? Expect(WithAxis(Arg(0), node.Ints[0], node.Shape[node.Ints[0]]), "sliced") : "its start is not a size");
            case Op.SliceGrad:
                return Arity(1) ?? (WithAxis(node.Shape, node.Ints[0], Arg(0)[node.Ints[0]]).Equals(Arg(0)) ? null : $"{Arg(0)} is not a slice of it");
            case Op.Concat:
                return Expect(Joined(node.Args.Select(a => graph[a].Shape).ToList(), node.Ints[0]), "joined");
            case Op.MaxAxis or Op.MinAxis:
                return Arity(1) ?? Expect(ShapeRules.Reduced(Arg(0), node.Ints[0], keepDim: true), "reduced");
            case Op.ExtremeGrad:
                return Arity(3) ?? Expect(Arg(0)) ?? (ShapeRules.Reduced(Arg(0), node.Ints[0], keepDim: true) is var r && r.Equals(Arg(1)) && r.Equals(Arg(2)) ? null : "its extremes and gradient must be reduced along its axis");
            case Op.Einsum:
                return Expect(EinsumShape(node.Equation, node.Args.Select(a => graph[a].Shape).ToList(), node.Shape), "contracted");
            case Op.Pick:
                return Arity(2) ?? Expect(WithoutLast(Arg(0)), "picked") ?? (Arg(1).Equals(node.Shape) ? null : "its indices need one per row");
            case Op.PickGrad:
                return Arity(2) ?? (WithoutLast(node.Shape) is { } picked && picked.Equals(Arg(0)) && picked.Equals(Arg(1)) ? null : "its gradient and indices need one value per row");
            case Op.GatherRows:
                return Arity(2) ?? (Arg(0).HasRows || !graph[node.Args[1]].IsIds ? "it gathers rows of a tensor without the batch by an input of ids" : Expect(new Shape(Arg(1).Dims.Concat(Arg(0).Dims.Skip(1)).ToArray()), "gathered"));
            case Op.ScatterAddRows:
                return Arity(2) ?? (graph[node.Args[1]].IsIds && Arg(0).Equals(new Shape(Arg(1).Dims.Concat(node.Shape.Dims.Skip(1)).ToArray())) ? null : "its gradient must have the gathered shape, and its ids be an input of ids");
            case Op.GatherAxis:
                return Arity(2) ?? (graph[node.Args[1]].IsIds && node.Shape.Equals(Arg(1)) && SameBesideAxis(Arg(0), Arg(1), node.Ints[0]) ? null : "it gathers by an input of ids of its own shape, which is x's beside the axis");
            case Op.ScatterAddAxis:
                return Arity(2) ?? (graph[node.Args[1]].IsIds && Arg(0).Equals(Arg(1)) && SameBesideAxis(node.Shape, Arg(1), node.Ints[0]) ? null : "its gradient must have the gathered shape, and its ids be an input of ids");
            case Op.FftHalf:
                return Arity(1) ?? Expect(HalfSpectrum(Arg(0)), "transformed");
            case Op.FftHalfAdjoint:
                return Arity(1) ?? (HalfSpectrum(node.Shape) is { } spectrum && spectrum.Equals(Arg(0)) ? null : $"{Arg(0)} is not its half spectrum");
            case Op.ChildCall when node.Args.Count > 1:
                return node.Args.Skip(1).All(a => graph[a].Shape.HasRows) ? null : "every argument of a child of several inputs has the batch";
            case Op.ChildGrad when node.Ints.Count >= 1:
                return node.Shape.Equals(Arg(node.Ints[0])) ? null : $"the gradient of input {node.Ints[0]} should have its shape {Arg(node.Ints[0])}";
            case Op.ChildResult:
                return Arity(1) ?? (graph[node.Args[0]].Op == Op.ChildCall && node.Ints.Count == 1 && node.Ints[0] >= 1 && node.Shape.HasRows ? null : "it is a further result (Ints: from 1, with the batch) of a child's call");
            case Op.ChildCall:
                return Arity(1) ?? (node.ChildInput is { } input && Arg(0).Rank > input.Rank && Arg(0).Dims.Skip(Arg(0).Rank - input.Rank).SequenceEqual(input.Dims)
                    && node.Shape.Dims.Take(Arg(0).Rank - input.Rank).SequenceEqual(Arg(0).Dims.Take(Arg(0).Rank - input.Rank))
                    ? null : $"{Arg(0)} does not end with the child's input {node.ChildInput}, or the leading dimensions changed");
            case Op.ChildGrad:
                return Arity(3) ?? Expect(Arg(0));
            default:
                return $"{node.Op} has no shape rule";
        }
    }

    private static string? Elementwise(Graph graph, Node node)
    {
        if (node.Function is not { } function)
        {
            return "an element-wise node needs its function";
        }

        if (node.Args.Count != function.Arity || node.Attributes.Count != function.AttributeNames.Count)
        {
            return $"{function} takes {function.Arity} argument(s) and {function.AttributeNames.Count} attribute(s)";
        }

        if (function.BroadcastsToNodeShape)
        {
            var arg = graph[node.Args[0]].Shape;
            return BroadcastsTo(arg, node.Shape) ? null : $"{arg} cannot be broadcast to it";
        }

        Shape? shape = graph[node.Args[0]].Shape;
        foreach (int arg in node.Args.Skip(1))
        {
            shape = Broadcast(shape, graph[arg].Shape);
            if (shape is null)
            {
                return "its arguments cannot be broadcast together";
            }
        }

        return shape.Equals(node.Shape) ? null : $"its shape should be {shape} (broadcast from its arguments')";
    }

    /// <summary>
    /// NumPy broadcasting, aligned at the last dimension, sizes equal or one of them 1. Building also keeps the batch
    /// first (<see cref="ShapeRules.Broadcast"/>), but a graph may hold the batch elsewhere (<c>Ops.Stack(0, x, x)</c>
    /// is [2, *, n]) and its gradients broadcast there too.
    /// </summary>
    private static Shape? Broadcast(Shape a, Shape b)
    {
        int rank = System.Math.Max(a.Rank, b.Rank);
        var dims = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            int ai = a.Rank - rank + i, bi = b.Rank - rank + i;
            dims[i] = ai < 0 ? b[bi] : bi < 0 ? a[ai] : a[ai].Equals(b[bi]) || b[bi].IsOne ? a[ai] : a[ai].IsOne ? b[bi] : default;
            if (ai >= 0 && bi >= 0 && !a[ai].Equals(b[bi]) && !a[ai].IsOne && !b[bi].IsOne)
            {
                return null;
            }
        }

        return new Shape(dims);
    }

    /// <summary>Whether <paramref name="from"/> broadcasts to exactly <paramref name="to"/> (so <paramref name="to"/> sums down to it).</summary>
    private static bool BroadcastsTo(Shape from, Shape to) => Broadcast(from, to) is { } shape && shape.Equals(to);

    private static Shape? MatMulShape(Shape a, Shape b, bool transposeA, bool transposeB)
    {
        if (a.Rank != 2 || b.Rank != 2)
        {
            return null;
        }

        var (m, k) = transposeA ? (a[1], a[0]) : (a[0], a[1]);
        var (inner, n) = transposeB ? (b[1], b[0]) : (b[0], b[1]);
        return k.Equals(inner) ? Shape.Of(m, n) : null;
    }

    private static Shape WithAxis(Shape shape, int axis, Dim size)
    {
        var dims = shape.Dims.ToArray();
        if (axis >= 0 && axis < dims.Length)
        {
            dims[axis] = size;
        }

        return new Shape(dims);
    }

    private static Shape? Joined(IReadOnlyList<Shape> parts, int axis)
    {
        var first = parts[0];
        if (axis < 0 || axis >= first.Rank || parts.Any(p => p.Rank != first.Rank || !p[axis].IsSize
            || Enumerable.Range(0, first.Rank).Any(d => d != axis && !p[d].Equals(first[d]))))
        {
            return null;
        }

        return WithAxis(first, axis, Dim.Of(parts.Aggregate(SizeExpr.Constant(0), (sum, p) => sum + p[axis].AsSize)));
    }

    /// <summary>Whether two shapes of one rank are equal except along <paramref name="axis"/> (a gather's source and index).</summary>
    private static bool SameBesideAxis(Shape a, Shape b, int axis) =>
        a.Rank == b.Rank && axis >= 0 && axis < a.Rank && Enumerable.Range(0, a.Rank).All(d => d == axis || a[d].Equals(b[d]));

    private static Shape? WithoutLast(Shape shape) => shape.Rank == 0 ? null : new Shape(shape.Dims.Take(shape.Rank - 1).ToArray());

    private static Shape? HalfSpectrum(Shape shape) =>
        shape.Rank == 0 || shape.Last.Kind == DimKind.Rows ? null : new Shape(shape.Dims.Take(shape.Rank - 1).Concat(new[] { shape.Last.DividedBy(2), Dim.Const(2) }).ToArray());

    /// <summary>The output of an einsum; a letter only the output has (a gradient broadcast along it) keeps the node's size.</summary>
    private static Shape? EinsumShape(string text, IReadOnlyList<Shape> operands, Shape node)
    {
        var equation = EinsumEquation.Parse(text, out _);
        if (equation is null || equation.Inputs.Count != operands.Count)
        {
            return null;
        }

        var sizes = new Dictionary<char, Dim>();
        for (int i = 0; i < operands.Count; i++)
        {
            if (equation.Inputs[i].Length != operands[i].Rank)
            {
                return null;
            }

            for (int d = 0; d < operands[i].Rank; d++)
            {
                if (sizes.TryGetValue(equation.Inputs[i][d], out var known) && !known.Equals(operands[i][d]))
                {
                    return null;
                }

                sizes[equation.Inputs[i][d]] = operands[i][d];
            }
        }

        return equation.Output.Length == node.Rank
            ? new Shape(equation.Output.Select((c, d) => sizes.TryGetValue(c, out var size) ? size : node[d]).ToArray())
            : null;
    }

    /// <summary>The element count as a sorted list of factors (constants multiplied into one), the batch a factor of its own.</summary>
    /// <summary>
    /// True when a reshape keeps the element count: the same batch and the same product of sizes, or products whose
    /// equality the layer checks when it is constructed (<see cref="Graph.SizeChecks"/>).
    /// </summary>
    private static bool SameCount(Graph graph, Shape a, Shape b)
    {
        if (a.Dims.Any(d => d.IsVariable) || b.Dims.Any(d => d.IsVariable))
        {
            return Factors(a).SequenceEqual(Factors(b));
        }

        if (a.Dims.Count(d => d.Kind == DimKind.Rows) != b.Dims.Count(d => d.Kind == DimKind.Rows))
        {
            return false;
        }

        var x = Shape.SizeProduct(a.Dims);
        var y = Shape.SizeProduct(b.Dims);
        return x.Equals(y) || graph.SizeChecks.Any(c => c.Relation == "==" && ((c.Left.Equals(x) && c.Right.Equals(y)) || (c.Left.Equals(y) && c.Right.Equals(x))));
    }

    private static IEnumerable<string> Factors(Shape shape)
    {
        long constant = shape.Dims.Where(d => d.Kind == DimKind.Const).Aggregate(1L, (p, d) => p * d.Value);
        return shape.Dims.Where(d => d.Kind != DimKind.Const && !d.IsVariable).Select(d => d.ToString())
            .Concat(new[] { constant.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            .OrderBy(f => f, System.StringComparer.Ordinal);
    }
}
