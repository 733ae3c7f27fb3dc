using System.Linq;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Ir;

/// <summary>
/// Small constructors for the nodes vector-Jacobian products build, each giving its result the right shape
/// (broadcast for element-wise functions, the like-node's for structural ones).
/// </summary>
internal class BackwardOps
{
    private readonly Graph _graph;

    public BackwardOps(Graph graph) => _graph = graph;

    protected Graph Graph => _graph;

    public Shape ShapeOf(int id) => _graph[id].Shape;

    public int Constant(Number value) => _graph.Constant(value);

    public int Neg(int a) => Unary(Elementwise.Neg, a);

    public int Unary(Elementwise function, int a) => _graph.Add(function, _graph[a].Shape, a);

    public int Mul(int a, int b) => Binary(Elementwise.Mul, a, b);

    public int Div(int a, int b) => Binary(Elementwise.Div, a, b);

    public int Sub(int a, int b) => Binary(Elementwise.Sub, a, b);

    public int Add(int a, int b) => Binary(Elementwise.Add, a, b);

    /// <summary>Sums <paramref name="g"/> over the dimensions <paramref name="like"/> was broadcast along.</summary>
    public int SumTo(int g, int like)
    {
        var target = _graph[like].Shape;
        return _graph[g].Shape.Equals(target) ? g : _graph.Add(Op.ReduceSum, target, g);
    }

    /// <summary>Broadcasts <paramref name="g"/> to the shape of <paramref name="like"/>.</summary>
    public int Expand(int g, int like)
    {
        var target = _graph[like].Shape;
        return _graph[g].Shape.Equals(target) ? g : _graph.Add(Elementwise.Expand, target, g);
    }

    public int ReshapeLike(int g, int like) => _graph.Add(Op.Reshape, _graph[like].Shape, g);

    public int MatMul(int a, int b, bool transposeA, bool transposeB, int like) =>
        _graph.Add(new Node(0, Op.MatMul, new[] { a, b }, _graph[like].Shape) { TransposeA = transposeA, TransposeB = transposeB });

    /// <summary>A function with constant attributes (an exponent, bounds) of one tensor.</summary>
    public int WithAttributes(Elementwise function, int a, params Number[] attributes) =>
        _graph.Add(new Node(0, Op.Elementwise, new[] { a }, _graph[a].Shape)
        {
            Function = function,
            Attributes = attributes.ToEquatableArray(),
        });

    public int Pow(int a, double exponent) => WithAttributes(Elementwise.Pow, a, exponent);

    public int InRange(int a, Number min, Number max) => WithAttributes(Elementwise.InRange, a, min, max);

    /// <summary>A function of two tensors broadcast together (a comparison, a power).</summary>
    public int Binary(Elementwise function, int a, int b)
    {
        var shape = ShapeRules.Broadcast(_graph[a].Shape, _graph[b].Shape, out _) ?? _graph[a].Shape;
        return _graph.Add(function, shape, a, b);
    }

    /// <summary>0 where <paramref name="y"/> ≤ 0, else <paramref name="g"/> (see <see cref="Elementwise.ReluGrad"/>).</summary>
    public int ReluGrad(int g, int y) => Binary(Elementwise.ReluGrad, g, y);

    public int Where(int mask, int a, int b)
    {
        var shape = ShapeRules.Broadcast(_graph[mask].Shape, ShapeRules.Broadcast(_graph[a].Shape, _graph[b].Shape, out _) ?? _graph[a].Shape, out _) ?? _graph[mask].Shape;
        return _graph.Add(Elementwise.Where, shape, mask, a, b);
    }

    public int Permute(int g, int[] dims, int like) => _graph.Add(new Node(0, Op.Permute, new[] { g }, _graph[like].Shape) { Ints = dims.ToEquatableArray() });

    public int Slice(int g, int axis, Dim start, int like) =>
        _graph.Add(new Node(0, Op.Slice, new[] { g }, _graph[like].Shape) { Ints = new[] { axis }.ToEquatableArray(), Start = start });

    public int SliceGrad(int g, int axis, Dim start, int like) =>
        _graph.Add(new Node(0, Op.SliceGrad, new[] { g }, _graph[like].Shape) { Ints = new[] { axis }.ToEquatableArray(), Start = start });

    public int ExtremeGrad(int x, int extreme, int g, int axis) =>
        _graph.Add(new Node(0, Op.ExtremeGrad, new[] { x, extreme, g }, _graph[x].Shape) { Ints = new[] { axis }.ToEquatableArray() });

    public int Einsum(string equation, int[] args, int like) =>
        _graph.Add(new Node(0, Op.Einsum, args, _graph[like].Shape) { Equation = equation });

    public int Structural(Op op, int like, params int[] args) => _graph.Add(op, _graph[like].Shape, args);

    /// <summary>The adjoint of a row gather <paramref name="gather"/>: <paramref name="g"/>'s rows scatter-added into the shape of <paramref name="like"/>.</summary>
    public int ScatterAddRows(int g, int ids, int like, Node gather) =>
        _graph.Add(new Node(0, Op.ScatterAddRows, new[] { g, ids }, _graph[like].Shape) { Name = gather.Name, Ints = gather.Ints });

    /// <summary>The adjoint of a gather along an axis <paramref name="gather"/>: <paramref name="g"/> scatter-added into the shape of <paramref name="like"/>.</summary>
    public int ScatterAddAxis(int g, int index, int like, Node gather) =>
        _graph.Add(new Node(0, Op.ScatterAddAxis, new[] { g, index }, _graph[like].Shape) { Ints = gather.Ints });
}

/// <summary>
/// A vector-Jacobian product: for the node in <paramref name="d"/> and the gradient <see cref="VjpContext.G"/>
/// flowing into its output, adds backward nodes and hands each argument its contribution with
/// <see cref="VjpContext.Gradient"/>. Contributions are summed by the caller, never assigned, so a value used
/// twice gets both (STYLE.md, rule 9).
/// </summary>
internal delegate void Vjp(VjpContext d);

/// <summary>What a <see cref="Vjp"/> sees: the forward node, its gradient, and the graph to build on.</summary>
internal sealed class VjpContext : BackwardOps
{
    private readonly System.Action<int, int> _contribute;

    public VjpContext(Graph graph, Node node, int g, System.Action<int, int> contribute)
        : base(graph)
    {
        Node = node;
        G = g;
        _contribute = contribute;
    }

    public Node Node { get; }

    /// <summary>The gradient flowing into the node's output.</summary>
    public int G { get; }

    /// <summary>The node's own value (the forward output), for rules written in terms of it (tanh' = 1 − y²).</summary>
    public int Y => Node.Id;

    /// <summary>The first argument.</summary>
    public int X => Node.Args[0];

    public int Arg(int index) => Node.Args[index];

    /// <summary>The node's constant attribute number <paramref name="index"/> (an exponent, a slope).</summary>
    public Number Attribute(int index) => Node.Attributes[index];

    /// <summary>A constant node holding attribute number <paramref name="index"/>.</summary>
    public int AttributeConstant(int index) => Constant(Attribute(index));

    /// <summary>
    /// For a child layer's call: the child's backward, from (input, output, g) to the input's gradient. It also
    /// accumulates the child's own parameter gradients, so it is a root of the backward graph that always runs.
    /// </summary>
    public int ChildGrad()
    {
        int id = Graph.Add(new Node(0, Op.ChildGrad, new[] { X, Y, G }, Graph[X].Shape) { Name = Node.Name, ChildInput = Node.ChildInput });
        Graph.BackwardRoots.Add(id);
        return id;
    }

    /// <summary>
    /// For a call of a child of several inputs: the gradient of input <paramref name="input"/>, Args (inputs..., output, g),
    /// Ints (input). The child's backward runs once for them all, at the last of them.
    /// </summary>
    /// <summary>
    /// For a call of a child returning a tuple: the gradient of input <paramref name="input"/>, Args (inputs..., results...,
    /// their gradients...), Ints (input, results). The child's backward runs once for every input, at the last of them.
    /// </summary>
    public int ChildGradOfTuple(int input)
    {
        var results = new[] { Y }.Concat(ResultGradients.Select(r => r.Result)).ToArray();
        var args = Node.Args.Concat(results).Concat(new[] { G }).Concat(ResultGradients.Select(r => r.Gradient)).ToArray();
        int id = Graph.Add(new Node(0, Op.ChildGrad, args, Graph[Node.Args[input]].Shape) { Name = Node.Name, ChildInput = Node.ChildInput, Ints = new[] { input, results.Length }.ToEquatableArray() });
        Graph.BackwardRoots.Add(id);
        return id;
    }

    /// <summary>For a call of a child returning a tuple: each further result (ChildResult node) and its gradient (zeros when it has none).</summary>
    public System.Collections.Generic.IReadOnlyList<(int Result, int Gradient)> ResultGradients { get; init; } = System.Array.Empty<(int, int)>();

    public int ChildGrad(int input)
    {
        var args = Node.Args.Concat(new[] { Y, G }).ToArray();
        int id = Graph.Add(new Node(0, Op.ChildGrad, args, Graph[Node.Args[input]].Shape) { Name = Node.Name, ChildInput = Node.ChildInput, Ints = new[] { input }.ToEquatableArray() });
        Graph.BackwardRoots.Add(id);
        return id;
    }

    /// <summary>Adds <paramref name="contribution"/> to the gradient of argument <paramref name="argument"/>.</summary>
    public void Gradient(int argument, int contribution) => _contribute(argument, contribution);
}
