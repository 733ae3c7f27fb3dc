using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// Names the workspace buffers after the forward text, so the kernels read like the layer: a buffer holding a
/// forward local is called by the local's name (<c>h</c>, <c>scores</c>), the gradient of a forward value by
/// that value's name and <c>Grad</c> (<c>hGrad</c>), and any other intermediate by its op and a counter
/// (<c>matMul1</c>, <c>exp2</c>).
/// </summary>
/// <remarks>
/// <para>Nothing here depends on node ids: counters follow a walk of the graph from its results through each
/// node's arguments in order, so renumbering the IR gives the same names. Every forward node gets its counter
/// whether or not it ends up in a buffer, so <c>add1Grad</c> is the gradient of the value the forward calls
/// <c>add1</c> even when that sum was fused away.</para>
/// <para>A name is unique: it avoids C# keywords, the kernels' arguments and loop variables, the layer's sizes,
/// parameters and children, the emitters' temporaries and every other buffer, together with the names derived
/// from it (<c>hValue</c>, <c>hVector</c> for a hoisted read, <c>hAt</c> for its offset). A user name that is
/// taken gets <c>Local</c> appended (<c>rows</c> → <c>rowsLocal</c>), then a counter.</para>
/// </remarks>
internal sealed class BufferNames
{
    /// <summary>What each buffer name brings with it into the kernels' scope.</summary>
    private static readonly string[] DerivedSuffixes = { "Value", "Vector", "At" };

    private readonly Graph _graph;
    private readonly HashSet<string> _taken = new();
    private readonly Dictionary<int, int> _rank = new();
    private readonly Dictionary<int, string> _wanted = new();
    private readonly HashSet<int> _fromUser = new();
    private readonly Dictionary<int, string> _claimed = new();

    public BufferNames(Graph graph, Names names)
    {
        _graph = graph;
        foreach (string name in names.Taken)
        {
            Take(name);
        }

        foreach (var parameter in graph.Parameters)
        {
            Take(names.ParameterGrad(parameter.Key));
            Take(names.ParameterGrad(parameter.Key) + "IsZero");
        }

        foreach (var child in graph.Nodes.Where(n => n.Op == Op.ChildCall))
        {
            Take(child.Name);
        }

        RankNodes();
        NameForwardValues();
        NameBackwardValues();
    }

    /// <summary>The local holding a workspace buffer's offset into <c>saved</c>: <c>hAt</c> (kept free with the buffer's name).</summary>
    public static string OffsetOf(string buffer) => buffer + "At";

    /// <summary>The name claimed for <paramref name="node"/>'s buffer (see <see cref="Claim"/>).</summary>
    public string Of(int node) => _claimed[node];

    /// <summary>Claims unique names for the buffers of <paramref name="nodes"/>, in the graph's walk order.</summary>
    public void Claim(IEnumerable<int> nodes)
    {
        foreach (int node in nodes.Where(n => !_claimed.ContainsKey(n)).OrderBy(n => _rank[n]))
        {
            _claimed[node] = Unique(_wanted[node]);
        }
    }

    /// <summary>A unique name for the workspace a child layer's forward saves into: <c>fc1Saved</c>, then <c>fc1Saved2</c>.</summary>
    public string ChildSaved(string child) => Unique(child + "Saved");

    /// <summary>
    /// Orders the nodes by a depth-first walk from the forward's result (then its unused locals), and then from
    /// the gradients the backward kernel stores, visiting arguments in order: each node's rank is where the walk
    /// leaves it, so arguments come before their users, and the order follows the graph's structure, not its ids.
    /// </summary>
    private void RankNodes()
    {
        var roots = new List<int>(_graph.Outputs);
        roots.AddRange(_graph.Statements.Select(s => s.Node));
        roots.AddRange(_graph.ParameterGrads.Select(p => p.Value));
        roots.AddRange(_graph.InputGrads);
        roots.AddRange(_graph.BackwardRoots);
        var stack = new Stack<(int Node, int NextArg)>();
        foreach (int root in roots.Where(r => r >= 0))
        {
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (_rank.ContainsKey(node))
                {
                    continue;
                }

                var args = _graph[node].Args;
                if (next < args.Count)
                {
                    stack.Push((node, next + 1));
                    if (!_rank.ContainsKey(args[next]))
                    {
                        stack.Push((args[next], 0));
                    }
                }
                else
                {
                    _rank[node] = _rank.Count;
                }
            }
        }

        // Nodes no result reaches get no buffer; ranking them last keeps every lookup defined.
        foreach (var node in _graph.Nodes.Where(n => !_rank.ContainsKey(n.Id)))
        {
            _rank[node.Id] = _rank.Count;
        }
    }

    private readonly Dictionary<string, int> _counters = new();

    private IEnumerable<Node> InWalkOrder(bool backward) =>
        _graph.Nodes.Where(n => n.IsBackward == backward).OrderBy(n => _rank[n.Id]);

    /// <summary>A forward value: its local's name, a child's output, or its op and a counter.</summary>
    private void NameForwardValues()
    {
        // A local whose value is a view (a reshape) names the buffer the view reads.
        foreach (var statement in _graph.Statements.Where(s => s.Name is not null))
        {
            foreach (int node in new[] { statement.Node, StorageOf(statement.Node) })
            {
                if (!_wanted.ContainsKey(node))
                {
                    _wanted[node] = statement.Name!;
                    _fromUser.Add(node);
                }
            }
        }

        foreach (var node in InWalkOrder(backward: false).Where(n => !_wanted.ContainsKey(n.Id)))
        {
            _wanted[node.Id] = node.Op switch
            {
                Op.ChildCall => node.Name + "Output",
                Op.ChildResult => node.Name + "Output" + (node.Ints[0] + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => Counted(node),
            };
        }
    }

    /// <summary>
    /// A backward value: the gradient of a forward value is named after it (the latest forward value it is the
    /// gradient of, preferring a local); any other by its op and a counter.
    /// </summary>
    private void NameBackwardValues()
    {
        var gradientOf = new Dictionary<int, int>();
        foreach (var pair in _graph.Gradients.OrderBy(p => _rank[p.Key]))
        {
            if (!gradientOf.TryGetValue(pair.Value, out int earlier) || _fromUser.Contains(pair.Key) || !_fromUser.Contains(earlier))
            {
                gradientOf[pair.Value] = pair.Key;
            }
        }

        foreach (var node in InWalkOrder(backward: true))
        {
            if (gradientOf.TryGetValue(node.Id, out int forward))
            {
                _wanted[node.Id] = _wanted[forward] + "Grad";
                if (_fromUser.Contains(forward))
                {
                    _fromUser.Add(node.Id);
                }
            }
            else
            {
                _wanted[node.Id] = node.Op == Op.ChildGrad ? node.Name + "InputGrad" : Counted(node);
            }
        }
    }

    /// <summary>The op's name in camel case and how many nodes of that op the walk has met: <c>matMul1</c>.</summary>
    private string Counted(Node node)
    {
        string op = node.Op switch
        {
            Op.Input or Op.Target or Op.Parameter or Op.OutputGrad => node.Name,
            Op.ReduceSum => "sum",
            Op.MaxAxis => "max",
            Op.MinAxis => "min",
            _ => node.OpName,
        };
        op = op.Length == 0 ? "value" : char.ToLowerInvariant(op[0]) + op.Substring(1);
        _counters.TryGetValue(op, out int count);
        _counters[op] = ++count;
        return op + count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private int StorageOf(int id)
    {
        while (_graph[id].Op == Op.Reshape)
        {
            id = _graph[id].Args[0];
        }

        return id;
    }

    /// <summary>
    /// <paramref name="wanted"/> if it and its derived names are free; otherwise the name with <c>Local</c>, then
    /// a counter (never a bare counter: <c>i</c> and 2 would make a loop variable of the emitters).
    /// </summary>
    private string Unique(string wanted)
    {
        if (IsFree(wanted))
        {
            return Take(wanted);
        }

        string stem = char.ToLowerInvariant(wanted[0]) + wanted.Substring(1) + "Local";
        if (IsFree(stem))
        {
            return Take(stem);
        }

        for (int n = 2; ; n++)
        {
            string candidate = stem + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (IsFree(candidate))
            {
                return Take(candidate);
            }
        }
    }

    private bool IsFree(string name) =>
        !Names.LooksLikeTemporary(name)
        && (char.IsLower(name[0]) || name[0] == '_')
        && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None
        && SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.None
        && !_taken.Contains(name)
        && DerivedSuffixes.All(suffix => !_taken.Contains(name + suffix));

    private string Take(string name)
    {
        _taken.Add(name);
        foreach (string suffix in DerivedSuffixes)
        {
            _taken.Add(name + suffix);
        }

        return name;
    }
}
