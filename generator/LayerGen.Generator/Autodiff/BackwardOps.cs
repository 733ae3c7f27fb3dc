using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Autodiff;

/// <summary>Small constructors for backward nodes, each giving its result the right shape.</summary>
internal sealed class BackwardOps
{
    private readonly Graph _graph;

    public BackwardOps(Graph graph) => _graph = graph;

    public int Constant(double value) => _graph.Constant(value);

    public int Neg(int a) => _graph.Add(Op.Neg, _graph[a].Shape, a);

    public int Unary(Op op, int a) => _graph.Add(op, _graph[a].Shape, a);

    public int Mul(int a, int b) => Binary(Op.Mul, a, b);

    public int Div(int a, int b) => Binary(Op.Div, a, b);

    public int Sub(int a, int b) => Binary(Op.Sub, a, b);

    public int Add(int a, int b) => Binary(Op.Add, a, b);

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
        return _graph[g].Shape.Equals(target) ? g : _graph.Add(Op.Expand, target, g);
    }

    public int ReshapeLike(int g, int like) => _graph.Add(Op.Reshape, _graph[like].Shape, g);

    public int MatMul(int a, int b, bool transposeA, bool transposeB, int like) =>
        _graph.Add(new Node(0, Op.MatMul, new[] { a, b }, _graph[like].Shape) { TransposeA = transposeA, TransposeB = transposeB });

    public int Pow(int a, double exponent) => _graph.Add(new Node(0, Op.Pow, new[] { a }, _graph[a].Shape) { Value = exponent });

    public int InRange(int a, double min, double max) => _graph.Add(new Node(0, Op.InRange, new[] { a }, _graph[a].Shape) { Value = min, Value2 = max });

    public int Compare(Op op, int a, int b) => Binary(op, a, b);

    /// <summary>0 where <paramref name="y"/> ≤ 0, else <paramref name="g"/> (see <see cref="Op.ReluGrad"/>).</summary>
    public int ReluGrad(int g, int y) => Binary(Op.ReluGrad, g, y);

    public int Where(int mask, int a, int b)
    {
        var shape = ShapeRules.Broadcast(_graph[mask].Shape, ShapeRules.Broadcast(_graph[a].Shape, _graph[b].Shape, out _) ?? _graph[a].Shape, out _) ?? _graph[mask].Shape;
        return _graph.Add(Op.Where, shape, mask, a, b);
    }

    public int Permute(int g, int[] dims, int like) => _graph.Add(new Node(0, Op.Permute, new[] { g }, _graph[like].Shape) { Ints = dims });

    public int Slice(int g, int axis, int start, int length, int like) =>
        _graph.Add(new Node(0, Op.Slice, new[] { g }, _graph[like].Shape) { Ints = new[] { axis, start, length } });

    public int SliceGrad(int g, int axis, int start, int like) =>
        _graph.Add(new Node(0, Op.SliceGrad, new[] { g }, _graph[like].Shape) { Ints = new[] { axis, start } });

    public int ExtremeGrad(int x, int extreme, int g, int axis) =>
        _graph.Add(new Node(0, Op.ExtremeGrad, new[] { x, extreme, g }, _graph[x].Shape) { Ints = new[] { axis } });

    public int Einsum(string equation, int[] args, int like) =>
        _graph.Add(new Node(0, Op.Einsum, args, _graph[like].Shape) { Equation = equation });

    public int Structural(Op op, int like, params int[] args) => _graph.Add(op, _graph[like].Shape, args);

    private int Binary(Op op, int a, int b)
    {
        var shape = ShapeRules.Broadcast(_graph[a].Shape, _graph[b].Shape, out _) ?? _graph[a].Shape;
        return _graph.Add(op, shape, a, b);
    }
}
