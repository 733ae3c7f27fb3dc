using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Autodiff;
using LayerGen.Generator.Building;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Emit;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator;

/// <summary>
/// One layer through the pipeline: model → op graph with shapes (Ir) → backward graph (Autodiff) →
/// loop nests (Lowering) → C# (Emit). Pure: the same inputs give the same text.
/// </summary>
internal static class LayerCompiler
{
    /// <summary>
    /// Tests only: a change made to every plan right after Lowering (forcing a loop order, say), to show that Emit prints
    /// whatever the plan chose and decides nothing itself. Unset (null) in every real build.
    /// </summary>
    internal static readonly System.Threading.AsyncLocal<System.Action<KernelPlan>?> PlanOverride = new();

    /// <param name="layer">The parsed layer.</param>
    /// <param name="specialisations">The constant sizes it is constructed with, one kernel each.</param>
    /// <param name="childSignatures">The shape contracts of the layers it holds as children.</param>
    /// <param name="verifyIr">Check the IR after every stage (test builds): a broken rule becomes LG0999 at once.</param>
    /// <param name="scalarKernels">Emit plain scalar loops (no vectors, no GEMM calls), for stepping through in a debugger.</param>
    /// <param name="inLibrary">The compilation is LayerGen.dll itself: built-ins take kernels registered by the user's assembly.</param>
    public static GeneratedLayer Compile(LayerModel layer, EquatableArray<EquatableArray<int>> specialisations, EquatableArray<LayerSignature> childSignatures, bool verifyIr = false, bool scalarKernels = false, bool inLibrary = false)
    {
        try
        {
            return CompileUnchecked(layer, specialisations, childSignatures, verifyIr, scalarKernels, inLibrary);
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            // The generator must never take the build or the IDE down; a bug here becomes a diagnostic.
            var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, layer.Forward.Location, layer.ClassName, InternalError.Describe(e));
            return new GeneratedLayer(layer.FullName + ".g.cs", string.Empty, new[] { diagnostic }.ToEquatableArray());
        }
    }

    private static GeneratedLayer CompileUnchecked(LayerModel layer, EquatableArray<EquatableArray<int>> specialisations, EquatableArray<LayerSignature> childSignatures, bool verifyIr, bool scalarKernels, bool inLibrary)
    {
        var diagnostics = new List<DiagnosticInfo>();
        string hintName = layer.FullName + ".g.cs";
        if (layer.Forward.Deferred.Count > 0)
        {
            // A loop over a size (numSteps): unrolled now that the constant constructions give its value.
            if (ForwardUnroller.Resolve(layer, specialisations, ParameterNames(layer), diagnostics) is not { } unrolled)
            {
                return new GeneratedLayer(hintName, string.Empty, diagnostics.ToEquatableArray());
            }

            layer = unrolled;
        }

        LayerSignature? SignatureOf(ChildModel child) =>
            child.MetadataSignature ?? childSignatures.FirstOrDefault(s => s.LayerFullName == child.TypeFullName);
        if (FeatureAxisInference.Resolve(layer, SignatureOf, diagnostics) is not { } withFeatureSizes)
        {
            return new GeneratedLayer(hintName, string.Empty, diagnostics.ToEquatableArray()); // x.Size(-1) on an axis nothing fixes
        }

        layer = withFeatureSizes;
        if (layer.RunTimeSizes.Count > 0)
        {
            // x.Size(-1) on features nothing fixes made them run-time sizes: the run-time-bounded kernel only, as below.
            specialisations = EquatableArray<EquatableArray<int>>.Empty;
        }

        if (layer.IsLoss && RunTimeFeatures.Apply(layer, SignatureOf) is { } widenedLoss)
        {
            // A size nothing fixes (a loss's classes): the run-time-bounded kernel only, the size read at each call.
            layer = widenedLoss;
            specialisations = EquatableArray<EquatableArray<int>>.Empty;
        }

        var names = new Names(layer.ConstructorParameters, ParameterNames(layer), layer.Forward.AllInputNames.ToList(), layer.Forward.OtherResults.Count + 1);
        var graph = GraphBuilder.Build(layer, names.Size, SignatureOf, diagnostics);
        if ((graph is null || diagnostics.Count > 0) && !layer.IsLoss && RunTimeFeatures.Apply(layer, SignatureOf) is { } widened)
        {
            // A layer reading an axis of an input whose features nothing fixes (x.Softmax(-1)): asked only when the
            // layer does not build as it is, so that every other layer pays no second reading for it.
            layer = widened;
            specialisations = EquatableArray<EquatableArray<int>>.Empty;
            diagnostics.Clear();
            names = new Names(layer.ConstructorParameters, ParameterNames(layer), layer.Forward.AllInputNames.ToList(), layer.Forward.OtherResults.Count + 1);
            graph = GraphBuilder.Build(layer, names.Size, SignatureOf, diagnostics);
        }

        if (graph is null || diagnostics.Count > 0)
        {
            return new GeneratedLayer(hintName, string.Empty, diagnostics.ToEquatableArray());
        }

        if (verifyIr)
        {
            GraphVerifier.Check(graph, "graph building");
        }

        if (!ConstructionSizeChecks.Check(layer, graph, specialisations, names, diagnostics))
        {
            return new GeneratedLayer(hintName, string.Empty, diagnostics.ToEquatableArray());
        }

        // Warnings do not stop emission.
        foreach (var parameter in graph.Parameters.Where(p => !graph.Nodes.Any(n => n.Args.Contains(p.Value))))
        {
            var model = layer.Parameters.First(m => m.Name == parameter.Key);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusedParameter, model.Location, parameter.Key, layer.ClassName));
        }

        var signature = SignatureBuilder.FromGraph(layer, graph, names);
        ReverseMode.Differentiate(graph, verifyIr);
        if (verifyIr)
        {
            GraphVerifier.Check(graph, "autodiff");
        }

        var plan = Lowerer.Lower(graph, names, scalarKernels);
        PlanOverride.Value?.Invoke(plan);
        if (verifyIr)
        {
            PlanVerifier.Check(plan);
            plan.VerifyEmittedAccess = true;
        }

        var emitter = new LayerEmitter(layer, plan, names, specialisations, signature, inLibrary);
        string source = emitter.Emit();

        // While the user's own file has syntax errors (mid-edit: a half-typed name), the emitted source
        // could fail to parse too; then emit nothing — the compiler already says what is wrong. Valid
        // user code always gives parseable output (the robustness tests check), so the check, which
        // costs a parse per layer, runs only when it can matter.
        if (layer.SourceHasErrors
            && Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source).GetDiagnostics().Any(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error))
        {
            return new GeneratedLayer(hintName, string.Empty, diagnostics.ToEquatableArray());
        }

        return new GeneratedLayer(hintName, source, diagnostics.ToEquatableArray()) { BuiltInSource = emitter.IsBuiltIn ? emitter.EmitBuiltInSource() : string.Empty, StepEntries = emitter.StepEntries };
    }

    /// <summary>The signatures of the layer types this layer holds as children (from this compilation).</summary>
    public static EquatableArray<LayerSignature> SignaturesFor(LayerModel layer, IEnumerable<LayerSignature?> all) =>
        all.Where(s => s is not null && layer.Children.Any(c => c.TypeFullName == s.LayerFullName))
            .Select(s => s!)
            .OrderBy(s => s.LayerFullName, System.StringComparer.Ordinal)
            .ToEquatableArray();

    /// <summary>The graph's leaves read from the layer's fields: its parameters, then its buffers (which the kernels read alike).</summary>
    private static IEnumerable<string> ParameterNames(LayerModel layer)
    {
        foreach (var parameter in layer.Parameters)
        {
            yield return parameter.Name;
        }

        foreach (var buffer in layer.Buffers)
        {
            yield return buffer.Name;
        }
    }
}
