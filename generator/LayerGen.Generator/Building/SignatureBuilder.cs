using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// A layer's signature (input and output features in terms of its size parameters), for checking
/// its uses as a child of another layer. Children of the layer itself are resolved only from other
/// assemblies here, so nesting within one compilation is one level deep.
/// </summary>
internal static class SignatureBuilder
{
    public static LayerSignature? Build(LayerModel layer)
    {
        try
        {
            return BuildUnchecked(layer);
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            // The layer's own compilation reports what is wrong with it; here it simply has no signature.
            return null;
        }
    }

    private static LayerSignature? BuildUnchecked(LayerModel layer)
    {
        var names = new Names(layer.ConstructorParameters, layer.Parameters.Select(p => p.Name));
        var graph = GraphBuilder.Build(layer, names.Size, c => c.MetadataSignature, new List<DiagnosticInfo>());
        return graph is null ? null : FromGraph(layer, graph, names);
    }

    public static LayerSignature FromGraph(LayerModel layer, Graph graph, Names names)
    {
        // A derived size (n/2) has no name a user of the layer could pass; it is written as text and
        // such a child's shapes then count as unknown.
        SizeRef ToSize(Dim dim) => dim.Kind == DimKind.Symbol ? new SizeRef(0, dim.CodeWith(names.OriginalSize)) : new SizeRef(dim.Value, null);
        return new LayerSignature(
            layer.FullName,
            layer.SizeParameters,
            graph[graph.Input].Shape.Features.Select(ToSize).ToEquatableArray(),
            graph[graph.Output].Shape.Features.Select(ToSize).ToEquatableArray())
        {
            InputCount = graph.Inputs.Count,
            OtherInputFeatures = graph.Inputs.Skip(1).Select(i => graph[i].Shape.Features.Select(ToSize).ToEquatableArray()).ToEquatableArray(),
            OutputCount = graph.Outputs.Count,
        };
    }
}
