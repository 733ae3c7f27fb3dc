using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Ir;

/// <summary>
/// The op graph of one layer: forward nodes first, then (after <c>Autodiff</c>) backward nodes.
/// Node ids are indices, and every node's arguments come before it, so the list is a topological order.
/// </summary>
internal sealed class Graph
{
    private readonly List<Node> _nodes = new();

    public IReadOnlyList<Node> Nodes => _nodes;

    public Node this[int id] => _nodes[id];

    /// <summary>The forward input's node: the first of <see cref="Inputs"/>.</summary>
    public int Input => Inputs.Count > 0 ? Inputs[0] : -1;

    /// <summary>Every input's node, in the order <c>Forward</c> takes them (one, unless it takes several: <c>Forward(Tensor x, Tensor y)</c>).</summary>
    public List<int> Inputs { get; } = new();

    /// <summary>A loss's target node, or -1.</summary>
    public int Target { get; set; } = -1;

    /// <summary>The forward result's node: the first of <see cref="Outputs"/>.</summary>
    public int Output => Outputs.Count > 0 ? Outputs[0] : -1;

    /// <summary>Every result's node, in the order <c>Forward</c> returns them (one, unless it returns a tuple).</summary>
    public List<int> Outputs { get; } = new();

    /// <summary>Parameter name → node, in declaration order.</summary>
    public List<KeyValuePair<string, int>> Parameters { get; } = new();

    /// <summary>
    /// Buffer name → node ([Buffer]s and plain tensor fields), in declaration order: leaves like parameters
    /// (<see cref="Op.Parameter"/> nodes the kernels read from the field's storage) that are never differentiated.
    /// </summary>
    public List<KeyValuePair<string, int>> Buffers { get; } = new();

    /// <summary>
    /// Buffer name → the node of the value the forward leaves in it (<c>runningMean = ...</c>): the forward kernel writes it
    /// into the buffer's storage after every other step.
    /// </summary>
    public List<KeyValuePair<string, int>> BufferUpdates { get; } = new();

    /// <summary>
    /// For each buffer the forward assigns: the copy of its old value every read goes through (a Detach of the leaf, kept
    /// in the workspace), so the forward's later steps and the backward read the value from before the update.
    /// </summary>
    public HashSet<int> BufferSnapshots { get; } = new();

    /// <summary>After autodiff: the gradient of the first input (if it depends on anything), or -1.</summary>
    public int InputGrad => InputGrads.Count > 0 ? InputGrads[0] : -1;

    /// <summary>After autodiff: the gradient of each input, parallel to <see cref="Inputs"/> (-1 for one that nothing depends on).</summary>
    public List<int> InputGrads { get; } = new();

    /// <summary>After autodiff: the gradient of each parameter.</summary>

    public List<KeyValuePair<string, int>> ParameterGrads { get; } = new();

    /// <summary>
    /// The forward's statements in source order: each <c>var</c> local (its name) and the returned value (name
    /// null), with the node holding its value and its source text. Lowering names buffers after the locals and
    /// heads backward loops with the statement they differentiate.
    /// </summary>
    public List<ForwardStatement> Statements { get; } = new();

    /// <summary>After autodiff: forward node → the backward node holding its whole gradient (the sum of every contribution).</summary>
    public Dictionary<int, int> Gradients { get; } = new();

    /// <summary>After autodiff: backward node → the forward node whose vector-Jacobian product made it.</summary>
    public Dictionary<int, int> DifferentiatedFrom { get; } = new();

    /// <summary>Backward nodes that must run for their side effects (child layers accumulating their parameters' gradients).</summary>
    public List<int> BackwardRoots { get; } = new();

    /// <summary>True when the forward names an axis of a batched tensor counting from the front, which assumes one batch dimension.</summary>
    public bool CountsAxesFromTheFront { get; set; }

    /// <summary>Facts about sizes that only the constructor's arguments decide, checked when the layer is constructed.</summary>
    public List<SizeCheck> SizeChecks { get; } = new();

    /// <summary>True while nodes are being added by autodiff.</summary>
    public bool BuildingBackward { get; set; }

    public int Add(Op op, Shape shape, params int[] args) => Add(new Node(_nodes.Count, op, args, shape));

    /// <summary>Appends a node of the element-wise function <paramref name="function"/> (or finds the same one).</summary>
    public int Add(Elementwise function, Shape shape, params int[] args) =>
        Add(new Node(_nodes.Count, Op.Elementwise, args, shape) { Function = function });

    /// <summary>
    /// Appends <paramref name="node"/> and returns its id — or, when an identical node exists (same op,
    /// arguments, shape and attributes), that node's id: common subexpressions are computed once, so
    /// <c>(a - b) * (a - b)</c> is one subtraction in the kernels, and a backward rule that rebuilds a forward
    /// value reuses it.
    /// </summary>
    public int Add(Node node)
    {
        var key = SharingKey(node);
        if (key is not null && _byKey.TryGetValue(key, out int existing))
        {
            return existing;
        }

        var withId = node with { Id = _nodes.Count, IsBackward = BuildingBackward };
        _nodes.Add(withId);
        if (key is not null)
        {
            _byKey[key] = withId.Id;
        }

        return withId.Id;
    }

    private readonly Dictionary<Node, int> _byKey = new();

    /// <summary>
    /// What makes two nodes the same value — the node itself, without what only names or places it — or null for
    /// nodes that must stay distinct: leaves (each is its own span), dropout masks (two draws differ) and
    /// child-layer calls (each call saves its own state). Node is a record, so every attribute is in the key.
    /// </summary>
    internal static Node? SharingKey(Node node) => node.Op switch
    {
        Op.Input or Op.Target or Op.Parameter or Op.OutputGrad or Op.DropoutMask or Op.ChildCall or Op.ChildGrad or Op.ChildResult => null,
        _ => node with { Id = 0, Text = string.Empty, IsBackward = false },
    };

    public int Constant(Number value) => Add(new Node(0, Op.Constant, System.Array.Empty<int>(), Shape.Scalar) { Value = value });

    /// <summary>Which nodes read each node.</summary>
    public List<int>[] Consumers()
    {
        var consumers = Enumerable.Range(0, _nodes.Count).Select(_ => new List<int>()).ToArray();
        foreach (var node in _nodes)
        {
            foreach (int arg in node.Args.Distinct())
            {
                consumers[arg].Add(node.Id);
            }
        }

        return consumers;
    }

    public override string ToString() => string.Join("\n", _nodes);
}

/// <summary>A statement of the forward body: <c>var Name = Text;</c>, or <c>return Text;</c> when <see cref="Name"/> is null.</summary>
internal sealed record ForwardStatement(string? Name, int Node, string Text)
{
    /// <summary>The statement as written (its expression's source text, on one line).</summary>
    public string Code => (Name is null ? "return " : $"var {Name} = ") + string.Join(" ", Text.Split(new[] { ' ', '\t', '\r', '\n' }, System.StringSplitOptions.RemoveEmptyEntries)) + ";";
}
