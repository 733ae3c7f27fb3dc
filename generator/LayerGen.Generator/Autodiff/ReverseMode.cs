using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Autodiff;

/// <summary>
/// Reverse-mode differentiation of a forward graph: walks the forward nodes from the output back,
/// applies each node's rule from <see cref="VjpRules"/>, and sums the contributions per node.
/// Appends the backward nodes to the same graph and records the input's and parameters' gradients.
/// </summary>
internal static class ReverseMode
{
    public static void Differentiate(Graph graph)
    {
        int forwardCount = graph.Nodes.Count;

        // Only values that depend on the input or a parameter carry a gradient.
        var dependsOnVariable = new bool[forwardCount];
        foreach (var node in graph.Nodes)
        {
            // A child layer has parameters of its own, so its output always carries a gradient.
            dependsOnVariable[node.Id] = node.Op is Op.Input or Op.Parameter or Op.ChildCall || node.Args.Any(a => dependsOnVariable[a]);
        }

        graph.BuildingBackward = true;
        var gradients = new int?[forwardCount];
        gradients[graph.Output] = graph.Add(new Node(0, Op.OutputGrad, System.Array.Empty<int>(), graph[graph.Output].Shape) { Name = "dy" });

        for (int id = graph.Output; id >= 0; id--)
        {
            if (gradients[id] is not int g || !dependsOnVariable[id])
            {
                continue;
            }

            var node = graph[id];
            foreach (var (argument, contribution) in VjpRules.Apply(graph, node, g))
            {
                int arg = node.Args[argument];
                if (!dependsOnVariable[arg])
                {
                    continue;
                }

                gradients[arg] = gradients[arg] is int existing
                    ? graph.Add(Op.Add, graph[arg].Shape, existing, contribution)
                    : contribution;
            }
        }

        graph.BuildingBackward = false;
        graph.InputGrad = gradients[graph.Input] ?? -1;
        foreach (var parameter in graph.Parameters)
        {
            graph.ParameterGrads.Add(new KeyValuePair<string, int>(parameter.Key, gradients[parameter.Value] ?? -1));
        }
    }
}
