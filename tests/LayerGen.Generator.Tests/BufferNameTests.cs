using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Autodiff;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;
using LayerGen.Generator.Model;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The kernels' workspace buffers are named after the forward text (Lowering/BufferNames.cs): a local's buffer by
/// the local, a gradient by its value and <c>Grad</c>, anything else by its op and a counter. The names must not
/// depend on node ids (a renumbered IR gives the same names) and must never collide with anything in the kernels.
/// </summary>
public sealed class BufferNameTests
{
    private static readonly Shape RowsBy3 = Shape.Of(Dim.Rows, Dim.Const(3));

    [Fact]
    public void Locals_name_their_buffers_and_gradients_and_intermediates_are_named_by_op()
    {
        var plan = Lower(TwoLocals());
        var names = plan.Workspace.Select(b => b.Name).ToList();

        Assert.Contains("h", names);
        Assert.Contains("scores", names);
        Assert.Contains("scoresGrad", names);
        Assert.Contains("add1Grad", names); // the gradient of x·w + b, the sum the forward never named
        Assert.All(names, name => Assert.DoesNotMatch(@"^t\d+$", name));
    }

    [Fact]
    public void Renumbering_the_ir_keeps_every_name()
    {
        var graph = TwoLocals();
        ReverseMode.Differentiate(graph, verify: true);
        var (renumbered, map) = Renumber(graph);
        Assert.Contains(map, pair => pair.Key != pair.Value); // the test graph has room to reorder

        var original = Lowerer.Lower(graph, NamesOf(graph));
        var reordered = Lowerer.Lower(renumbered, NamesOf(renumbered));

        Assert.NotEmpty(original.Workspace);
        foreach (var pair in original.Buffers)
        {
            Assert.Equal(pair.Value.Name, reordered.Buffers[map[pair.Key]].Name);
        }

        Assert.Equal(original.Workspace.Select(b => b.Name).OrderBy(n => n, StringComparer.Ordinal), reordered.Workspace.Select(b => b.Name).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Locals_named_like_the_kernels_own_names_get_names_of_their_own()
    {
        string[] clashing = { "rows", "input", "saved", "output", "i", "j", "acc0", "t1", "weight", "weightGrad", "biasValue", "n", "@event" };
        var graph = Chain(clashing);
        var plan = Lower(graph);
        var names = plan.Workspace.Select(b => b.Name).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        var kernelNames = new HashSet<string>(NamesOf(graph).Taken) { "weightGrad", "weightGradIsZero", "biasGrad", "biasGradIsZero" };
        foreach (string name in names)
        {
            Assert.DoesNotContain(name, kernelNames);
            Assert.False(Names.LooksLikeTemporary(name), name);
            Assert.Equal(SyntaxKind.None, SyntaxFacts.GetKeywordKind(name));
            Assert.False(names.Any(other => other + "Value" == name || other + "Vector" == name || other + "At" == name), name);
        }

        Assert.Contains("rowsLocal", names);
        Assert.Contains("iLocal", names);
        Assert.Contains("eventLocal", names);
    }

    [Fact]
    public void A_layer_whose_locals_are_named_like_kernel_arguments_compiles_and_agrees_with_its_eager_path()
    {
        // The harness compiles the generated code (a clash would not compile) and runs Call against CallEager.
        var run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Clashing;

            [Layer(Input = "[*, n]")]
            public partial class Clash(int n)
            {
                [Parameter] Tensor weight = Tensor.Randn(n, n);
                [Parameter] Tensor bias = Tensor.Randn(n);

                Tensor Forward(Tensor x)
                {
                    var rows = x.MatMul(weight) + bias;
                    var input = Ops.Tanh(rows);
                    var saved = input * rows;
                    var output = Ops.Sigmoid(saved) + input;
                    var i = output.Softmax(-1);
                    var j = i * saved;
                    var acc = Ops.Relu(j) * i;
                    var weightGrad = acc + j;
                    var t1 = weightGrad * weightGrad;
                    return t1 + acc;
                }
            }
            """);
        run.AssertClean();
        string source = run.Source("Clash.g.cs");
        Assert.Contains("Span<float> rowsLocal = saved.Slice(", source, StringComparison.Ordinal);
        Assert.Contains("Span<float> iLocal = saved.Slice(", source, StringComparison.Ordinal);
    }

    /// <summary><c>var h = relu(x·w + b); var scores = tanh(h) * h; return exp(scores) + scores * h;</c></summary>
    private static Graph TwoLocals()
    {
        var (graph, x, w, b) = WithInputAndParameters();
        int product = graph.Add(new Node(0, Op.MatMul, new[] { x, w }, RowsBy3));
        int h = graph.Add(Elementwise.Relu, RowsBy3, graph.Add(Elementwise.Add, RowsBy3, product, b));
        graph.Statements.Add(new ForwardStatement("h", h, "Ops.Relu(x.MatMul(w) + b)"));
        int scores = graph.Add(Elementwise.Mul, RowsBy3, graph.Add(Elementwise.Tanh, RowsBy3, h), h);
        graph.Statements.Add(new ForwardStatement("scores", scores, "Ops.Tanh(h) * h"));
        graph.Outputs.Add(graph.Add(Elementwise.Add, RowsBy3, graph.Add(Elementwise.Exp, RowsBy3, scores), graph.Add(Elementwise.Mul, RowsBy3, scores, h)));
        graph.Statements.Add(new ForwardStatement(null, graph.Output, "Ops.Exp(scores) + scores * h"));
        return graph;
    }

    /// <summary>A chain of locals, each read twice (so each has a buffer), named <paramref name="locals"/>.</summary>
    private static Graph Chain(string[] locals)
    {
        var (graph, x, w, b) = WithInputAndParameters();
        int value = graph.Add(new Node(0, Op.MatMul, new[] { x, w }, RowsBy3));
        value = graph.Add(Elementwise.Add, RowsBy3, value, b);
        foreach (string local in locals)
        {
            graph.Statements.Add(new ForwardStatement(local.TrimStart('@'), value, local));
            value = graph.Add(Elementwise.Mul, RowsBy3, graph.Add(Elementwise.Tanh, RowsBy3, value), value);
        }

        graph.Outputs.Add(value);
        graph.Statements.Add(new ForwardStatement(null, value, "..."));
        return graph;
    }

    private static (Graph Graph, int X, int W, int B) WithInputAndParameters()
    {
        var graph = new Graph();
        graph.Inputs.Add(graph.Add(new Node(0, Op.Input, Array.Empty<int>(), RowsBy3) { Name = "x" }));
        int w = graph.Add(new Node(0, Op.Parameter, Array.Empty<int>(), Shape.Of(Dim.Const(3), Dim.Const(3))) { Name = "weight" });
        int b = graph.Add(new Node(0, Op.Parameter, Array.Empty<int>(), Shape.Of(Dim.Const(3))) { Name = "bias" });
        graph.Parameters.Add(new("weight", w));
        graph.Parameters.Add(new("bias", b));
        return (graph, graph.Input, w, b);
    }

    private static Names NamesOf(Graph graph) => new(Array.Empty<string>(), graph.Parameters.Select(p => p.Key));

    private static KernelPlan Lower(Graph graph)
    {
        ReverseMode.Differentiate(graph, verify: true);
        GraphVerifier.Check(graph, "autodiff");
        return Lowerer.Lower(graph, NamesOf(graph));
    }

    /// <summary>
    /// The same graph with other ids: forward nodes, then backward nodes, each in a topological order that takes
    /// the ready node with the highest old id first (the builder takes the lowest). Returns old id → new id.
    /// </summary>
    private static (Graph Graph, Dictionary<int, int> Map) Renumber(Graph graph)
    {
        var copy = new Graph();
        var map = new Dictionary<int, int>();
        foreach (bool backward in new[] { false, true })
        {
            var pending = new HashSet<int>(graph.Nodes.Where(n => n.IsBackward == backward).Select(n => n.Id));
            while (pending.Count > 0)
            {
                int next = pending.Where(id => graph[id].Args.All(map.ContainsKey)).Max();
                var node = graph[next];
                copy.BuildingBackward = backward;
                map[next] = copy.Add(node with { Id = 0, Args = node.Args.Select(a => map[a]).ToEquatableArray() });
                pending.Remove(next);
            }
        }

        copy.BuildingBackward = false;
        copy.Inputs.AddRange(graph.Inputs.Select(i => map[i]));
        copy.Outputs.AddRange(graph.Outputs.Select(o => map[o]));
        copy.InputGrads.AddRange(graph.InputGrads.Select(g => g < 0 ? -1 : map[g]));
        copy.Parameters.AddRange(graph.Parameters.Select(p => new KeyValuePair<string, int>(p.Key, map[p.Value])));
        copy.ParameterGrads.AddRange(graph.ParameterGrads.Select(p => new KeyValuePair<string, int>(p.Key, p.Value < 0 ? -1 : map[p.Value])));
        copy.BackwardRoots.AddRange(graph.BackwardRoots.Select(r => map[r]));
        copy.Statements.AddRange(graph.Statements.Select(s => s with { Node = map[s.Node] }));
        foreach (var pair in graph.Gradients)
        {
            copy.Gradients[map[pair.Key]] = map[pair.Value];
        }

        foreach (var pair in graph.DifferentiatedFrom)
        {
            copy.DifferentiatedFrom[map[pair.Key]] = map[pair.Value];
        }

        return (copy, map);
    }
}
