using Microsoft.CodeAnalysis;

namespace LayerGen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic LayerGen reports, in one place. Each ID has a section in docs/diagnostics.md,
/// which its help link points at.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "LayerGen";
    private const string HelpBase = "https://github.com/layergen/layergen/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor LayerNotPartial = Create(
        "LG0001",
        "Layer class must be partial",
        "The [Layer] class '{0}' must be declared 'partial' so LayerGen can add the generated kernels to it",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MissingForward = Create(
        "LG0002",
        "Layer has no forward definition",
        "The [Layer] class '{0}' needs a method 'Tensor Forward(Tensor x)' defining its forward pass",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MissingLossForward = Create(
        "LG0008",
        "Loss has no forward definition",
        "The [Loss] class '{0}' needs a method 'Tensor Forward(Tensor input, Tensor target)' returning a scalar",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedExpression = Create(
        "LG0003",
        "Unsupported expression in a forward definition",
        "LayerGen cannot compile '{0}' in the forward definition of '{1}': {2}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnknownParameterShape = Create(
        "LG0004",
        "Parameter shape cannot be determined",
        "The shape of parameter '{0}' cannot be determined from its initialiser: {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ShapeMismatch = Create(
        "LG0005",
        "Shapes do not match",
        "Shape mismatch in '{0}': {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedForwardSignature = Create(
        "LG0006",
        "Unsupported forward signature or body",
        "The forward definition of '{0}' is not supported: {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedLayerDeclaration = Create(
        "LG0007",
        "Unsupported layer declaration",
        "The {0} '{1}' is not supported: {2}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SequentialMismatch = Create(
        "LG0010",
        "Sequential layers do not fit together",
        "{0} expects {1} input feature(s) but {2} before it produces {3}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnusedParameter = Create(
        "LG0011",
        "Parameter is never used",
        "The parameter '{0}' of '{1}' is never used by the forward definition; it will get no gradient",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor RunTimeSizes = Create(
        "LG0012",
        "Layer constructed with sizes known only at run time",
        "'{0}' is constructed with sizes that are not constants, so it runs the kernel with run-time loop bounds (unless the values match a constant construction elsewhere)",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor SequentialOfModule = Create(
        "LG0013",
        "A layer of several inputs or outputs in a Sequential",
        "{0} takes {1} tensor(s) and returns {2}, but a Sequential chains layers of one tensor in and one out (ILayer); call it in a layer's Forward instead",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SequentialIdsNotFirst = Create(
        "LG0014",
        "A layer taking ids after the first layer of a Sequential",
        "{0} takes int64 ids, but {1} before it produces floats; only the first layer of a Sequential may take ids (new Sequential(embedding, ...))",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InternalError = Create(
        "LG0999",
        "LayerGen internal error",
        "LayerGen could not compile '{0}' because of an internal error ({1}); the layer was skipped. Please report this with the layer's source.",
        DiagnosticSeverity.Error);

    /// <summary>All descriptors, for lookup by ID when turning <see cref="DiagnosticInfo"/> back into diagnostics.</summary>
    public static DiagnosticDescriptor ById(string id) => id switch
    {
        "LG0001" => LayerNotPartial,
        "LG0002" => MissingForward,
        "LG0003" => UnsupportedExpression,
        "LG0004" => UnknownParameterShape,
        "LG0005" => ShapeMismatch,
        "LG0006" => UnsupportedForwardSignature,
        "LG0008" => MissingLossForward,
        "LG0010" => SequentialMismatch,
        "LG0011" => UnusedParameter,
        "LG0012" => RunTimeSizes,
        "LG0013" => SequentialOfModule,
        "LG0014" => SequentialIdsNotFirst,
        "LG0999" => InternalError,
        _ => UnsupportedLayerDeclaration,
    };

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());
}
