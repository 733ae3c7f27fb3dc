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

    private int Binary(Op op, int a, int b)
    {
        var shape = ShapeRules.Broadcast(_graph[a].Shape, _graph[b].Shape, out _) ?? _graph[a].Shape;
        return _graph.Add(op, shape, a, b);
    }
}
