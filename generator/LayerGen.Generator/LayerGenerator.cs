using System.Linq;
using LayerGen.Generator.Emit;
using LayerGen.Generator.Building;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generator;

/// <summary>
/// The LayerGen source generator. Wires the incremental pipeline and nothing else; each stage's
/// logic lives in its folder (Parsing → Ir → Autodiff → Lowering → Emit).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class LayerGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for tests of incrementality.</summary>
    public static class Steps
    {
        public const string LayerDeclarations = "LayerDeclarations";
        public const string LossDeclarations = "LossDeclarations";
        public const string Layers = "Layers";
        public const string Losses = "Losses";
        public const string Anchors = "Anchors";
        public const string ConstructionSites = "ConstructionSites";
        public const string ChildConstructions = "ChildConstructions";
        public const string AllConstructionSites = "AllConstructionSites";
        public const string Signatures = "Signatures";
        public const string Specialised = "Specialised";
        public const string Generated = "Generated";
        public const string GeneratedLosses = "GeneratedLosses";
        public const string Emitted = "Emitted";
        public const string EmittedLosses = "EmittedLosses";
        public const string Sequentials = "Sequentials";
        public const string RunTimeSizes = "RunTimeSizes";
        public const string VerifyIr = "VerifyIr";
        public const string ScalarKernels = "ScalarKernels";
        public const string InLibrary = "InLibrary";
        public const string BuiltIns = "BuiltIns";
        public const string BuiltInKernels = "BuiltInKernels";
        public const string StepModels = "StepModels";
        public const string TrainingSteps = "TrainingSteps";
        public const string StepKernels = "StepKernels";
    }

    /// <summary>
    /// The MSBuild property that turns on the IR verifier after every stage (graph building, autodiff, lowering):
    /// <c>&lt;LayerGenVerifyIr&gt;true&lt;/LayerGenVerifyIr&gt;</c> with <c>&lt;CompilerVisibleProperty Include="LayerGenVerifyIr" /&gt;</c>.
    /// The test builds set it; a broken rule then fails as LG0999 instead of emitting wrong kernels.
    /// </summary>
    public const string VerifyIrProperty = "build_property.LayerGenVerifyIr";

    /// <summary>
    /// The MSBuild property that makes the kernels plain scalar loops, for stepping through in a debugger:
    /// <c>&lt;LayerGenScalarKernels&gt;true&lt;/LayerGenScalarKernels&gt;</c> (the package's build props make it visible to
    /// the compiler). No vector paths and no GEMM calls; <c>KernelName</c> ends in " (scalar loops)".
    /// </summary>
    public const string ScalarKernelsProperty = "build_property.LayerGenScalarKernels";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. Each [Layer] class, read into a plain model (no Roslyn objects), with its diagnostics, and
        //    beside it where its declarations start. The model's locations are relative to those starts,
        //    so a layer moved by an edit above it (in its file) yields an equal model: only the layer that
        //    was edited runs through the later stages again. Records are read to be refused with a reason
        //    (LG0007), not skipped in silence.
        var layerDeclarations = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                LayerParser.LayerAttributeName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                static (ctx, ct) => LayerParser.Parse(ctx, isLoss: false, ct))
            .WithTrackingName(Steps.LayerDeclarations);
        var layers = layerDeclarations.Select(static (parsed, _) => parsed.Result).WithTrackingName(Steps.Layers);

        // 1b. Each [Loss] class: the same model, with a target input and a scalar result.
        var lossDeclarations = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                LayerParser.LossAttributeName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                static (ctx, ct) => LayerParser.Parse(ctx, isLoss: true, ct))
            .WithTrackingName(Steps.LossDeclarations);
        var losses = lossDeclarations.Select(static (parsed, _) => parsed.Result).WithTrackingName(Steps.Losses);

        // 1c. Where every layer and loss declaration starts, collected: only diagnostics read it, to make
        //     their relative locations absolute, so it changes often and nothing expensive depends on it.
        var anchors = layerDeclarations.Select(static (parsed, _) => parsed.Anchors).Collect()
            .Combine(lossDeclarations.Select(static (parsed, _) => parsed.Anchors).Collect())
            .Select(static (pair, _) => SourceAnchors.Of(pair.Left.Concat(pair.Right).SelectMany(a => a)))
            .WithTrackingName(Steps.Anchors);

        // 2. Every construction of a layer with constant sizes (new MyLinear(64, 8)), collected.
        //    The collection changes only when such a construction is added, removed or edited.
        var sites = context.SyntaxProvider
            .CreateSyntaxProvider(ConstructionSiteReader.IsCandidate, static (ctx, ct) => Remembered(ctx, "construction", () => ConstructionSiteReader.Read(ctx, ct)))
            .Where(static site => site is not null)
            .Collect()
            .WithTrackingName(Steps.ConstructionSites);

        // 2b. What each layer constructs as children, in terms of its own sizes, and with it every construction
        //     a constant construction implies: new Net(4, 8) holding 'MyLinear fc = new(inputs, hidden)' constructs
        //     MyLinear(4, 8), so the child runs a constant-bound kernel as well. Equatable: an edit to a layer's
        //     forward leaves its children, and so every later step of the other layers, unchanged.
        var childConstructions = layers
            .Where(static r => r.Value is not null)
            .Select(static (r, _) => ChildConstructions.Of(r.Value!))
            .Collect()
            .WithTrackingName(Steps.ChildConstructions);
        var allSites = sites
            .Combine(childConstructions)
            .Select(static (pair, _) => ChildConstructions.WithChildren(pair.Left, pair.Right))
            .WithTrackingName(Steps.AllConstructionSites);

        // 3. Each layer's shape contract (input and output in terms of its sizes), collected, so a
        //    layer that holds another as a child can check the child's shapes at compile time. Built per
        //    layer (cached); only layers whose shapes follow from children of this compilation are
        //    finished after collecting, innermost first.
        var signatures = layers
            .Where(static r => r.Value is not null)
            .Select(static (r, _) => (Layer: r.Value!, Signature: SignatureBuilder.Build(r.Value!)))
            .Collect()
            .Select(static (all, _) => SignatureBuilder.Resolve(all))
            .WithTrackingName(Steps.Signatures);

        // 4. Each parsed layer with the distinct size sets it is constructed with (one kernel each)
        //    and the signatures of its children. Equatable, so a new site for another layer, or an
        //    edit to a layer it does not hold, leaves this one cached.
        var specialised = layers
            .Where(static r => r.Value is not null)
            .Combine(allSites)
            .Combine(signatures)
            .Select(static (pair, _) => (
                Layer: pair.Left.Left.Value!,
                Sizes: ConstructionSiteReader.SpecialisationsFor(pair.Left.Left.Value!.FullName, pair.Left.Right),
                Children: LayerCompiler.SignaturesFor(pair.Left.Left.Value!, pair.Right)))
            .WithTrackingName(Steps.Specialised);

        // 5. Shapes, autodiff, lowering and emission: text plus diagnostics, both equatable. Test builds check
        //    the IR after every stage (VerifyIrProperty); a bool, so it changes nothing for caching.
        var verifyIr = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue(VerifyIrProperty, out var value) && string.Equals(value, "true", System.StringComparison.OrdinalIgnoreCase))
            .WithTrackingName(Steps.VerifyIr);
        var scalarKernels = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue(ScalarKernelsProperty, out var value) && string.Equals(value, "true", System.StringComparison.OrdinalIgnoreCase))
            .WithTrackingName(Steps.ScalarKernels);
        var switches = verifyIr.Combine(scalarKernels);
        // Compiling LayerGen.dll itself: its built-ins (Linear, ...) look up kernels the user's assembly registers (step 8).
        var inLibrary = context.CompilationProvider.Select(static (c, _) => BuiltInKernelsReader.IsLibrary(c)).WithTrackingName(Steps.InLibrary);
        var generated = specialised
            .Combine(switches)
            .Combine(inLibrary)
            .Select(static (input, _) => LayerCompiler.Compile(input.Left.Left.Layer, input.Left.Left.Sizes, input.Left.Left.Children, input.Left.Right.Left, input.Left.Right.Right, input.Right))
            .WithTrackingName(Steps.Generated);

        // Losses: specialised per construction site like layers; they hold no children.
        var generatedLosses = losses
            .Where(static r => r.Value is not null)
            .Combine(allSites)
            .Combine(switches.Combine(inLibrary))
            .Select(static (pair, _) => LayerCompiler.Compile(
                pair.Left.Left.Value!,
                ConstructionSiteReader.SpecialisationsFor(pair.Left.Left.Value!.FullName, pair.Left.Right),
                EquatableArray<Parsing.LayerSignature>.Empty,
                pair.Right.Left.Left,
                pair.Right.Left.Right,
                pair.Right.Right))
            .WithTrackingName(Steps.GeneratedLosses);

        // 6. Compile-time composition check of every new Sequential(...) of constant-size layers (LG0010).
        var sequentials = context.SyntaxProvider
            .CreateSyntaxProvider(ConstructionSiteReader.IsCandidate, static (ctx, ct) => Remembered(ctx, "Sequential", () => SequentialReader.Read(ctx, ct)))
            .Where(static site => site is not null)
            .Combine(signatures)
            .Select(static (pair, _) => SequentialCheck.Check(pair.Left!, pair.Right))
            .WithTrackingName(Steps.Sequentials);
        context.RegisterSourceOutput(sequentials, static (spc, diagnostics) => Report(spc, diagnostics, SourceAnchors.Empty));

        // 7. Constructions with sizes known only at run time: an info, so the user knows which kernel runs (LG0012).
        var runTimeSizes = context.SyntaxProvider
            .CreateSyntaxProvider(ConstructionSiteReader.IsCandidate, static (ctx, ct) => Remembered(ctx, "run-time sizes", () => ConstructionSiteReader.RunTimeSizes(ctx, ct)))
            .Where(static info => info is not null)
            .WithTrackingName(Steps.RunTimeSizes);
        context.RegisterSourceOutput(runTimeSizes, static (spc, info) => spc.ReportDiagnostic(info!.ToDiagnostic(SourceAnchors.Empty)));

        // 8. The built-ins of the referenced LayerGen.dll (Linear, the cross-entropy kernels) constructed here with constant
        //    sizes: their constant-size kernels, emitted into this assembly with a module initialiser that registers them
        //    for the built-in to find. Read from LayerGen.dll's attributes on every compilation, but equal each time.
        //    With LayerGenScalarKernels, none: those kernels are LayerGen.dll's vector loops, and the switch promises scalar ones.
        var builtIns = context.CompilationProvider.Select(static (c, ct) => BuiltInKernelsReader.Read(c, ct)).WithTrackingName(Steps.BuiltIns);
        var builtInKernels = builtIns
            .Combine(scalarKernels)
            .SelectMany(static (pair, _) => pair.Right ? EquatableArray<SpecialisableBuiltIn>.Empty : pair.Left)
            .Combine(allSites)
            .Select(static (pair, _) => BuiltInKernelsEmitter.Emit(pair.Left, ConstructionSiteReader.SpecialisationsFor(pair.Left.Layer, pair.Right)))
            .Where(static source => source is not null)
            .WithTrackingName(Steps.BuiltInKernels);
        context.RegisterSourceOutput(builtInKernels, static (spc, source) => spc.AddSource(source!.HintName, source.Source));

        // 9. A whole-model training step for every distinct new Sequential(...) of constant-size built-in layers: their forward
        //    kernels, the loss, their backward kernels and the updates in one method, registered for Trainer to find by the
        //    layers' kernel names (so a model built in one method and trained in another finds it). Each Sequential read
        //    without its location, so moving one changes nothing; none in LayerGen.dll or with scalar kernels (step 8 emits none).
        //    A construction of a generic layer is a model of its own too: its step names the constructed type.
        var stepModels = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, ct) => ConstructionSiteReader.IsCandidate(node, ct) || SequentialReader.MayConstructGenericLayer(node, ct),
                static (ctx, ct) => StepModel.Of(Remembered(ctx, "Sequential", () => SequentialReader.Read(ctx, ct)))
                    ?? StepModel.OfGenericLayer(SequentialReader.MayConstructGenericLayer(ctx.Node, ct) ? Remembered(ctx, "generic layer", () => SequentialReader.ReadGenericLayer(ctx, ct)) : null))
            .Where(static model => model is not null)
            .Collect()
            .WithTrackingName(Steps.StepModels);
        // The user's layers' constant-size kernels a step can call (their entry points): in a Sequential, and as models of their own.
        var stepKernels = generated.Select(static (layer, _) => layer.StepEntries).Collect().WithTrackingName(Steps.StepKernels);
        var trainingSteps = stepModels
            .Combine(builtIns.Combine(scalarKernels).Combine(inLibrary))
            .Combine(stepKernels)
            .Select(static (all, _) => TrainingStepEmitter.Emit(all.Left.Left, all.Left.Right.Left.Left, all.Right, skip: all.Left.Right.Left.Right || all.Left.Right.Right))
            .WithTrackingName(Steps.TrainingSteps);
        context.RegisterSourceOutput(trainingSteps, static (spc, source) =>
        {
            if (source is not null)
            {
                spc.AddSource(source.HintName, source.Source);
            }
        });

        // Sources, and diagnostics from their own branch (a layer with parse errors emits nothing). Only
        // what has diagnostics meets the anchors, so moving layers re-reports those and re-emits nothing.
        ReportWithAnchors(context, layers.Select(static (result, _) => result.Diagnostics), anchors);
        ReportWithAnchors(context, losses.Select(static (result, _) => result.Diagnostics), anchors);
        ReportWithAnchors(context, generated.Select(static (layer, _) => layer.Diagnostics), anchors);
        ReportWithAnchors(context, generatedLosses.Select(static (loss, _) => loss.Diagnostics), anchors);
        var emitted = generated.Where(static layer => layer.Source.Length > 0).WithTrackingName(Steps.Emitted);
        var emittedLosses = generatedLosses.Where(static loss => loss.Source.Length > 0).WithTrackingName(Steps.EmittedLosses);
        context.RegisterSourceOutput(emitted, static (spc, layer) => AddSources(spc, layer));
        context.RegisterSourceOutput(emittedLosses, static (spc, loss) => AddSources(spc, loss));
    }

    /// <summary>A layer's source, and for a built-in compiled inside LayerGen.dll the interface and attribute beside it.</summary>
    private static void AddSources(SourceProductionContext context, GeneratedLayer layer)
    {
        context.AddSource(layer.HintName, layer.Source);
        if (layer.BuiltInSource.Length > 0)
        {
            context.AddSource(layer.HintName.Replace(".g.cs", ".Specialisable.g.cs"), layer.BuiltInSource);
        }
    }

    /// <summary>
    /// A construction's reading, remembered across runs while nothing it names changed (<see cref="SemanticMemo"/>): a
    /// target-typed <c>new(...)</c> also depends on the declaration around it, which names its type.
    /// </summary>
    private static T Remembered<T>(GeneratorSyntaxContext context, string reading, System.Func<T> read) =>
        SemanticMemo.GetOrRead(
            context.Node,
            reading,
            context.SemanticModel.Compilation,
            System.Array.Empty<(SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan)>(),
            () => SemanticMemo.NamesIn(context.Node is Microsoft.CodeAnalysis.CSharp.Syntax.ImplicitObjectCreationExpressionSyntax
                ? context.Node.Ancestors().FirstOrDefault(a => a is Microsoft.CodeAnalysis.CSharp.Syntax.StatementSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax) ?? context.Node
                : context.Node),
            read);

    private static void ReportWithAnchors(
        IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<EquatableArray<Diagnostics.DiagnosticInfo>> diagnostics,
        IncrementalValueProvider<SourceAnchors> anchors) =>
        context.RegisterSourceOutput(
            diagnostics.Where(static d => d.Count > 0).Combine(anchors),
            static (spc, pair) => Report(spc, pair.Left, pair.Right));

    private static void Report(SourceProductionContext context, EquatableArray<Diagnostics.DiagnosticInfo> diagnostics, SourceAnchors anchors)
    {
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic(anchors));
        }
    }
}
