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
/// its uses as a child of another layer. <see cref="Build(LayerModel)"/> resolves the layer's own children
/// only from other assemblies; <see cref="Resolve"/> then finishes the layers whose shapes follow from
/// children in the same compilation, innermost first, so nesting is as deep as the user writes it.
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

    /// <summary>
    /// Every layer's signature: those <see cref="Build(LayerModel)"/> found, and those of layers whose shapes
    /// depend on children of this compilation, found by rounds until no more can be (a child's signature is
    /// known before its parent's). Only the layers still without one are built again, so in a program without
    /// nesting this costs nothing.
    /// </summary>
    public static EquatableArray<LayerSignature> Resolve(IEnumerable<(LayerModel Layer, LayerSignature? Signature)> layers)
    {
        var known = new Dictionary<string, LayerSignature>(System.StringComparer.Ordinal);
        var pending = new List<LayerModel>();
        foreach (var (layer, signature) in layers)
        {
            if (signature is not null)
            {
                known[layer.FullName] = signature;
            }
            else if (layer.Children.Count > 0)
            {
                pending.Add(layer);
            }
        }

        for (bool progress = true; progress && pending.Count > 0;)
        {
            progress = false;
            for (int i = pending.Count - 1; i >= 0; i--)
            {
                var layer = pending[i];
                if (layer.Children.Any(c => c.MetadataSignature is null && !known.ContainsKey(c.TypeFullName)))
                {
                    continue; // a child of this compilation is not resolved yet: next round
                }

                var signature = Build(layer, c => c.MetadataSignature ?? known[c.TypeFullName]);
                pending.RemoveAt(i);
                if (signature is not null)
                {
                    known[layer.FullName] = signature;
                    progress = true;
                }
            }
        }

        return known.Values.OrderBy(s => s.LayerFullName, System.StringComparer.Ordinal).ToEquatableArray();
    }

    private static LayerSignature? BuildUnchecked(LayerModel layer) => Build(layer, c => c.MetadataSignature);

    private static LayerSignature? Build(LayerModel layer, System.Func<ChildModel, LayerSignature?> signatureOf)
    {
        if (layer.Forward.Deferred.Count > 0)
        {
            // Its graph exists only once its loops are unrolled with its constructions' sizes; uses as a child go unchecked.
            return null;
        }

        try
        {
            if (FeatureAxisInference.Resolve(layer, signatureOf, new List<DiagnosticInfo>()) is not { } resolved)
            {
                return null; // x.Size(-1) on an axis nothing fixes: reported when the layer itself compiles
            }

            layer = resolved;
            var names = new Names(layer.ConstructorParameters, layer.Parameters.Select(p => p.Name));
            var graph = GraphBuilder.Build(layer, names.Size, signatureOf, new List<DiagnosticInfo>());
            if (graph is null && !layer.IsLoss && RunTimeFeatures.Apply(layer, signatureOf) is { } widened)
            {
                // It compiles, reading its features at each call: its signature names them as sizes of its own, which a
                // parent binds from the shape of what it passes (GraphBuilder.RunTimeChildren).
                var widenedNames = new Names(widened.ConstructorParameters, widened.Parameters.Select(p => p.Name));
                var widenedGraph = GraphBuilder.Build(widened, widenedNames.Size, signatureOf, new List<DiagnosticInfo>());
                return widenedGraph is null ? null : FromGraph(widened, widenedGraph, widenedNames) with { RunTimeSizes = widened.RunTimeSizes };
            }

            return graph is null ? null : FromGraph(layer, graph, names) with { RunTimeSizes = layer.RunTimeSizes }; // x.Size(-1) may have made some
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            return null;
        }
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
            OtherOutputFeatures = graph.Outputs.Skip(1).Select(o => graph[o].Shape.Features.Select(ToSize).ToEquatableArray()).ToEquatableArray(),
            IdsInputs = Enumerable.Range(0, graph.Inputs.Count).Where(i => graph[graph.Inputs[i]].IsIds).ToEquatableArray(),
        };
    }
}
