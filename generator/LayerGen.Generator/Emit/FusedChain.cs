using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// An element-wise chain as one expression: the root node expanded through every argument that has
/// no buffer of its own, down to leaves (buffers) and constants. Emits it as scalar or
/// <c>Vector&lt;float&gt;</c> code, and describes it in words for the comment above its loop.
/// </summary>
internal sealed class FusedChain
{
    private readonly KernelPlan _plan;
    private readonly int _accumulator;
    private readonly bool _expandRoot;

    /// <param name="plan">The lowered layer.</param>
    /// <param name="root">The node the chain computes.</param>
    /// <param name="expandRoot">Compute the root even though it has a buffer (it is the step's own result).</param>
    /// <param name="accumulator">A node read from the local <c>acc</c> instead (a fused matmul), or -1.</param>
    public FusedChain(KernelPlan plan, int root, bool expandRoot, int accumulator = -1)
    {
        _plan = plan;
        Root = root;
        _expandRoot = expandRoot;
        _accumulator = accumulator;
    }

    public int Root { get; }

    /// <summary>Run-time constants (1/count of a mean) declared once before the loop: node → the local's number.</summary>
    private readonly Dictionary<int, int> _hoisted = new();

    /// <summary>Declares the chain's run-time constants (<c>k0</c>, and <c>kv0</c> as a vector, numbered in the chain's order) before its loop.</summary>
    public void DeclareConstants(SourceWriter w, bool vector)
    {
        var seen = new HashSet<int>();
        void Visit(int id)
        {
            if (IsLeaf(id) || id == _accumulator || !seen.Add(id))
            {
                return;
            }

            var node = Graph[id];
            if (node.Op == Op.InverseCount)
            {
                int k = _hoisted.Count;
                w.Line($"float k{k} = 1f / ({node.CountOf!.CountCode});");
                if (vector)
                {
                    w.Line($"var kv{k} = new Vector<float>(k{k});");
                }

                _hoisted[id] = k;
                return;
            }

            foreach (int arg in node.Args)
            {
                Visit(arg);
            }
        }

        Visit(Root);
    }

    private Graph Graph => _plan.Graph;

    /// <summary>True when <paramref name="id"/> is read from a buffer rather than computed inline (Lowering's fusion).</summary>
    public bool IsLeaf(int id) => Fusion.IsLeaf(id);

    /// <summary>The distinct buffers the chain reads, in first-use order.</summary>
    public List<int> Leaves() => Fusion.Leaves();

    private FusedLeaves Fusion => new(_plan, Root, _expandRoot, _accumulator);

    /// <summary>The chain as C#; <paramref name="leaf"/> gives the code reading each leaf.</summary>
    public string Code(bool vector, Func<int, string> leaf) => Code(Root, vector ? Lanes.Vector : Lanes.Scalar, leaf);

    /// <summary>The chain as C# computing <paramref name="lanes"/> elements at once.</summary>
    public string Code(Lanes lanes, Func<int, string> leaf) => Code(Root, lanes, leaf);

    private string Code(int id, Lanes lanes, Func<int, string> leaf)
    {
        if (id == _accumulator)
        {
            return "acc";
        }

        if (IsLeaf(id))
        {
            return leaf(id);
        }

        var node = Graph[id];
        string Arg(int i) => Code(node.Args[i], lanes, leaf);
        return node.Op switch
        {
            Op.Constant => lanes.Broadcast(FloatCode(node.Value)),
            Op.InverseCount when _hoisted.TryGetValue(id, out int k) => lanes switch { Lanes.Scalar => $"k{k}", Lanes.Vector => $"kv{k}", _ => lanes.Broadcast($"k{k}") },
            Op.InverseCount => lanes.Broadcast($"(1f / ({node.CountOf!.CountCode}))"),

            // The op table's spelling of the function: operands, then attributes as float literals.
            Op.Elementwise => node.Function!.Spelling.Code(
                node.Args.Select((_, i) => Arg(i)).Concat(node.Attributes.Select(FloatCode)).ToArray()),
            _ => throw new InvalidOperationException($"{node} is not element-wise, so it cannot be part of a fused chain"),
        };
    }

    /// <summary>The chain in words, for comments: buffers by name, ops as in the forward definition.</summary>
    public string Describe(Func<int, string> leafName) => Describe(Root, leafName);

    private string Describe(int id, Func<int, string> leafName)
    {
        if (id == _accumulator)
        {
            return DescribeMatMul(_plan, id, leafName);
        }

        if (IsLeaf(id))
        {
            return leafName(id);
        }

        var node = Graph[id];
        string Arg(int i) => Describe(node.Args[i], leafName);
        return node.Op switch
        {
            Op.Constant => DescribeNumber(node.Value),
            Op.InverseCount => $"1/{node.CountOf!.CountCode}",
            Op.Elementwise => node.Function!.Spelling.Describe(
                node.Args.Select((_, i) => Arg(i)).Concat(node.Attributes.Select(DescribeNumber)).ToArray()),
            _ => throw new InvalidOperationException($"{node} is not element-wise, so it cannot be part of a fused chain"),
        };
    }

    public static string DescribeMatMul(KernelPlan plan, int id, Func<int, string> leafName)
    {
        var node = plan.Graph[id];
        string a = leafName(node.Args[0]) + (node.TransposeA ? "ᵀ" : string.Empty);
        string b = leafName(node.Args[1]) + (node.TransposeB ? "ᵀ" : string.Empty);
        return $"{a}·{b}";
    }

    /// <summary>A scalar of the graph as float C#: a literal, or a hyperparameter expression converted to float.</summary>
    public static string FloatCode(Number number) => number.Code switch
    {
        null => FloatLiteral(number.Value),
        { } name when Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(name) => $"(float){name}",
        { } code when IsOneParenthesisedGroup(code) => $"(float){code}",
        { } code => $"(float)({code})",
    };

    /// <summary>True for <c>(…)</c> whose first parenthesis closes at the end (not <c>(a) * (b)</c>).</summary>
    private static bool IsOneParenthesisedGroup(string code)
    {
        int depth = 0;
        for (int i = 0; i < code.Length; i++)
        {
            depth += code[i] == '(' ? 1 : code[i] == ')' ? -1 : 0;
            if (depth == 0)
            {
                return i == code.Length - 1 && i > 0;
            }
        }

        return false;
    }

    /// <summary>A scalar of the graph for comments: the constant as a float, or the hyperparameter expression.</summary>
    public static string DescribeNumber(Number number) => number.Code ?? ((float)number.Value).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A float constant as C#: <c>0.5f</c>, <c>1e-08f</c>, or <c>float.PositiveInfinity</c>, <c>float.NegativeInfinity</c>, <c>float.NaN</c>.</summary>
    public static string FloatLiteral(double value)
    {
        float f = (float)value;
        if (float.IsNaN(f))
        {
            return "float.NaN";
        }

        if (float.IsInfinity(f))
        {
            return f > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
        }

        string text = f.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains("E"))
        {
            return text.Replace("E+", "e").Replace("E", "e") + "f";
        }

        return text + "f";
    }
}
