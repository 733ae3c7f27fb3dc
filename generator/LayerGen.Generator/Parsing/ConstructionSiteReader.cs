using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Finds constructions of [Layer] classes whose size arguments are all constants
/// (<c>new MyLinear(64, 8)</c>, <c>new(64, 8)</c> where the target type is a layer). Each distinct
/// set of sizes gets its own kernel with <c>const</c> loop bounds.
/// </summary>
internal static class ConstructionSiteReader
{
    public static bool IsCandidate(SyntaxNode node, CancellationToken _) =>
        node is BaseObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: > 0 };

    public static ConstructionSite? Read(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            return ReadUnchecked(context, cancellationToken);
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            // A construction we cannot read simply gets no specialised kernel.
            return null;
        }
    }

    private static ConstructionSite? ReadUnchecked(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var operation = context.SemanticModel.GetOperation(context.Node, cancellationToken);
        if (operation is IObjectCreationOperation loss && BuiltInLossSites.Read(loss) is { } lossSite)
        {
            return lossSite; // new CrossEntropyLoss(10): a construction of its kernel
        }

        if (operation is not IObjectCreationOperation creation
            || creation.Type is not INamedTypeSymbol type
            || creation.Constructor is null
            || !type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is LayerParser.LayerAttributeName or LayerParser.LossAttributeName))
        {
            return null;
        }

        // Only the int parameters (sizes) choose a kernel; hyperparameters (float, double, bool) are passed to it.
        var sizeOrdinals = creation.Constructor.Parameters.Where(IsSize).Select(p => p.Ordinal).ToList();
        var sizes = new int[sizeOrdinals.Count];
        if (creation.Arguments.Length != creation.Constructor.Parameters.Length)
        {
            return null;
        }

        foreach (var argument in creation.Arguments)
        {
            if (argument.Parameter is null)
            {
                return null;
            }

            if (!IsSize(argument.Parameter))
            {
                continue;
            }

            if (argument.Value.ConstantValue is not { HasValue: true, Value: int value } || value <= 0)
            {
                return null;
            }

            sizes[sizeOrdinals.IndexOf(argument.Parameter.Ordinal)] = value;
        }

        return new ConstructionSite(TypeParameters.LayerFullName(type), sizes.ToEquatableArray());
    }

    /// <summary>LG0012 for a construction of a sized layer whose sizes are not all constants; null otherwise.</summary>
    public static Diagnostics.DiagnosticInfo? RunTimeSizes(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            if (context.SemanticModel.GetOperation(context.Node, cancellationToken) is IObjectCreationOperation loss
                && BuiltInLossSites.HasRunTimeClasses(loss))
            {
                return RunTimeSizesAt(context.Node); // new CrossEntropyLoss(n): the run-time kernel, as for a layer
            }

            if (context.SemanticModel.GetOperation(context.Node, cancellationToken) is not IObjectCreationOperation creation
                || creation.Type is not INamedTypeSymbol type
                || creation.Arguments.Length == 0
                || !type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is LayerParser.LayerAttributeName or LayerParser.LossAttributeName))
            {
                return null;
            }

            bool constant = creation.Arguments.All(a => a.Parameter is { } p && !IsSize(p) || a.Value.ConstantValue is { HasValue: true, Value: int });
            return constant || IsChildOfSizedLayer(context, creation) ? null : RunTimeSizesAt(context.Node);
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            return null;
        }
    }

    private static Diagnostics.DiagnosticInfo RunTimeSizesAt(SyntaxNode construction) => Diagnostics.DiagnosticInfo.Create(
        Diagnostics.DiagnosticDescriptors.RunTimeSizes,
        LocationInfo.Absolute(construction),
        ForwardParser.Shorten(construction.ToString()));

    /// <summary>
    /// A child field or property of a layer constructed from that layer's own sizes (<c>MyLinear fc = new(inputs, hidden);</c>):
    /// it runs a constant-bound kernel whenever its parent is constructed with constants (<see cref="ChildConstructions"/>),
    /// so LG0012 belongs on the parent's construction, not here.
    /// </summary>
    private static bool IsChildOfSizedLayer(GeneratorSyntaxContext context, IObjectCreationOperation creation)
    {
        var member = context.Node.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax or PropertyDeclarationSyntax } clause
            ? clause.Parent
            : null;
        if (member?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } parentSyntax
            || context.SemanticModel.GetDeclaredSymbol(parentSyntax) is not INamedTypeSymbol parent
            || !parent.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is LayerParser.LayerAttributeName))
        {
            return false;
        }

        return creation.Arguments.All(a => a.Parameter is { } p && !IsSize(p) || OfParentSizes(a.Value, parent));
    }

    /// <summary>A constant, one of the parent's constructor parameters, or arithmetic of those (<c>inputs + hidden</c>).</summary>
    private static bool OfParentSizes(IOperation value, INamedTypeSymbol parent) => value switch
    {
        _ when value.ConstantValue is { HasValue: true, Value: int } => true,
        IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } constructor } =>
            SymbolEqualityComparer.Default.Equals(constructor.ContainingType, parent),
        IBinaryOperation binary => OfParentSizes(binary.LeftOperand, parent) && OfParentSizes(binary.RightOperand, parent),
        _ => false,
    };

    /// <summary>An int parameter of a layer's constructor is a size; the others are hyperparameters.</summary>
    private static bool IsSize(IParameterSymbol parameter) => parameter.Type.SpecialType == SpecialType.System_Int32;

    /// <summary>The distinct size sets found for one layer, in a stable order.</summary>
    public static EquatableArray<EquatableArray<int>> SpecialisationsFor(string layerFullName, IEnumerable<ConstructionSite?> sites) =>
        sites.Where(s => s is not null && s.LayerFullName == layerFullName)
            .Select(s => s!.Sizes)
            .Distinct()
            .OrderBy(s => string.Join(",", s.Select(v => v.ToString("D9", System.Globalization.CultureInfo.InvariantCulture))), System.StringComparer.Ordinal)
            .ToEquatableArray();
}
