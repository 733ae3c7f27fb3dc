using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Autodiff;

/// <summary>
/// Reverse-mode differentiation of a forward graph: walks the forward nodes from the output back,
/// applies each node's rule from <see cref="VjpRules"/>, and sums the contributions per node.
/// Appends the backward nodes to the same graph and records the input's and parameters' gradients.
/// </summary>
internal static class ReverseMode
{
    /// <param name="graph">The forward graph; the backward nodes are appended to it.</param>
    /// <param name="verify">
    /// Check each rule as it is applied (test builds): every argument that depends on the input or a parameter gets
    /// a contribution unless the op carries no gradient to it, and every contribution has its argument's shape.
    /// </param>
    public static void Differentiate(Graph graph, bool verify = false)
    {
        var problems = new List<string>();
        int forwardCount = graph.Nodes.Count;

        // Only values that depend on the input or a parameter carry a gradient; a buffer is read like a parameter but
        // never trained (PyTorch's register_buffer), so it carries none.
        var dependsOnVariable = new bool[forwardCount];
        var buffers = new HashSet<int>(graph.Buffers.Select(b => b.Value));
        foreach (var node in graph.Nodes)
        {
            // A child layer has parameters of its own, so its output always carries a gradient.
            // Ids (int64 indices) carry no gradient, as in PyTorch; nor do buffers.
            dependsOnVariable[node.Id] = (((node.Op is Op.Input && !node.IsIds) || node.Op is Op.Parameter or Op.ChildCall) && !buffers.Contains(node.Id)) || node.Args.Any(a => dependsOnVariable[a]);
        }

        graph.BuildingBackward = true;
        var gradients = new int?[forwardCount];

        // A branch selection (a Where on a scalar mask: if (useBias), if (Training)) gives the branch not taken a zero
        // gradient, but the steps behind it multiply that zero by their own derivatives, and 0 · ∞ is NaN (an infinite
        // constant in the branch not taken). So a gradient only one side of a selection carries remembers the selection,
        // and every contribution made from it is selected again: the branch not taken adds exact zeros, as in PyTorch,
        // which never runs it.
        var selectedBy = new Dictionary<int, List<(int Mask, bool Taken)>>();
        // One upstream gradient per result (dy, or dy0, dy1, ... for a tuple); a node returned twice sums them.
        for (int i = 0; i < graph.Outputs.Count; i++)
        {
            int output = graph.Outputs[i];
            int dy = graph.Add(new Node(0, Op.OutputGrad, System.Array.Empty<int>(), graph[output].Shape) { Name = graph.Outputs.Count == 1 ? "dy" : "dy" + i, Ints = graph.Outputs.Count == 1 ? EquatableArray<int>.Empty : new[] { i }.ToEquatableArray() });
            gradients[output] = gradients[output] is int existing ? graph.Add(Elementwise.Add, graph[output].Shape, existing, dy) : dy;
        }

        for (int id = graph.Outputs.Max(); id >= 0; id--)
        {
            // A tuple-returning child's call runs its backward when any of its results has a gradient: the others get zeros.
            var results = graph[id].Op == Op.ChildCall ? graph.ChildResultsOf(id) : System.Array.Empty<int>();
            if (gradients[id] is null && results.Any(r => gradients[r] is not null))
            {
                gradients[id] = Zeros(graph, graph[id].Shape);
            }

            if (gradients[id] is not int g || !dependsOnVariable[id])
            {
                continue;
            }

            var node = graph[id];
            var resultGradients = results.Select(r => (r, gradients[r] ?? Zeros(graph, graph[r].Shape))).ToList();
            var contributed = new bool[node.Args.Count];
            var inherited = selectedBy.TryGetValue(g, out var conditions) ? conditions : null;
            void Contribute(int argument, int contribution)
            {
                int arg = node.Args[argument];
                contributed[argument] = true;
                if (!dependsOnVariable[arg])
                {
                    return;
                }

                contribution = SelectAgain(graph, contribution, inherited);
                var selections = IsBranchSelection(graph, node) && argument > 0
                    ? (inherited ?? Enumerable.Empty<(int, bool)>()).Append((node.Args[0], argument == 1)).ToList()
                    : inherited;
                if (selections is not null)
                {
                    selectedBy[contribution] = selections;
                }

                if (verify && !graph[contribution].Shape.Equals(graph[arg].Shape))
                {
                    problems.Add($"the gradient {graph[contribution]} of argument {argument} of {node} should have the argument's shape {graph[arg].Shape}");
                }

                gradients[arg] = gradients[arg] is int existing
                    ? graph.Add(Elementwise.Add, graph[arg].Shape, existing, contribution)
                    : contribution;
            }

            int firstNew = graph.Nodes.Count;
            VjpRules.For(node)(new VjpContext(graph, node, g, Contribute) { ResultGradients = resultGradients });
            for (int made = firstNew; made < graph.Nodes.Count; made++)
            {
                graph.DifferentiatedFrom[made] = id;
            }

            for (int argument = 0; verify && argument < node.Args.Count; argument++)
            {
                if (!contributed[argument] && dependsOnVariable[node.Args[argument]] && VjpRules.OwesGradient(node, argument))
                {
                    problems.Add($"the vector-Jacobian product of {node} gave argument {argument} no gradient");
                }
            }
        }

        graph.BuildingBackward = false;
        if (problems.Count > 0)
        {
            throw new IrVerificationException("autodiff", problems);
        }

        for (int id = 0; id < forwardCount; id++)
        {
            if (gradients[id] is int gradient && graph[gradient].IsBackward)
            {
                graph.Gradients[id] = gradient;
            }
        }

        foreach (int input in graph.Inputs)
        {
            graph.InputGrads.Add(gradients[input] ?? -1);
        }

        foreach (var parameter in graph.Parameters)
        {
            graph.ParameterGrads.Add(new KeyValuePair<string, int>(parameter.Key, gradients[parameter.Value] ?? -1));
        }
    }

    /// <summary>A tensor of zeros of <paramref name="shape"/>: the gradient of a child's result that nothing reads.</summary>
    private static int Zeros(Graph graph, Shape shape) =>
        graph.Add(new Node(0, Op.Elementwise, new[] { graph.Constant(0) }, shape) { Function = Elementwise.Expand, Text = "0" });

    /// <summary>A Where whose condition is a scalar constant: the selection between two branches built by the unroller.</summary>
    private static bool IsBranchSelection(Graph graph, Node node) =>
        node.Function == Elementwise.Where && graph[node.Args[0]].Op == Op.Constant;

    /// <summary><paramref name="contribution"/>, kept only where each selection takes its side (zero elsewhere, even if it is NaN there).</summary>
    private static int SelectAgain(Graph graph, int contribution, List<(int Mask, bool Taken)>? selections)
    {
        foreach (var (mask, taken) in selections ?? Enumerable.Empty<(int, bool)>())
        {
            var shape = graph[contribution].Shape;
            int zero = graph.Constant(0);
            contribution = taken ? graph.Add(Elementwise.Where, shape, mask, contribution, zero) : graph.Add(Elementwise.Where, shape, mask, zero, contribution);
        }

        return contribution;
    }
}
