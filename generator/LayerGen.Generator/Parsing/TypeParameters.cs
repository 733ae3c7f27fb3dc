using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// A generic layer, <c>[Layer] partial class Scaled&lt;TTag&gt;(int n)</c> (or one nested in a generic type): its kernels are
/// generated once, in the generic class, so they serve every type argument — which holds as long as the type parameters do
/// not enter what <c>Forward</c> computes (a tag type, a constraint used by the class's other members). A use in
/// <c>Forward</c> (<c>default(T)</c>, a child field of type <c>T</c>) is reported on its syntax, as is a child field whose
/// type depends on one.
/// </summary>
internal static class TypeParameters
{
    /// <summary><c>&lt;T, U&gt;</c> for a generic type, empty otherwise: what the generated part repeats after the name.</summary>
    /// <remarks>
    /// The constraints are not repeated: C# lets a part of a partial type omit them, and the user's part states them (in
    /// the user's names, which the generated file's usings might not resolve).
    /// </remarks>
    public static string List(INamedTypeSymbol type) =>
        type.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", type.TypeParameters.Select(t => t.Name)) + ">";

    /// <summary>
    /// The name a layer's model goes by (<see cref="LayerModel.FullName"/>), also for a construction of a generic one,
    /// <c>new Scaled&lt;Foo&gt;(64, 8)</c>: <c>Demo.Scaled</c>, the kernels being the same for every type argument.
    /// </summary>
    public static string LayerFullName(INamedTypeSymbol type) =>
        IsGeneric(type) ? type.ToDisplayString(WithoutTypeArguments) : type.ToDisplayString();

    /// <summary>Whether <paramref name="type"/> or a type it is nested in has type parameters.</summary>
    public static bool IsGeneric(INamedTypeSymbol? type) => type is not null && (type.Arity > 0 || IsGeneric(type.ContainingType));

    /// <summary>Whether code anywhere in the type's assembly can name it: it and every type it is nested in are public or internal.</summary>
    public static bool ReachableFromAssembly(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// How generated code at the top level of the assembly spells the constructed type <paramref name="type"/>
    /// (<c>global::Demo.Scaled&lt;global::Demo.Foo&gt;</c>), or empty when it cannot: the type, a type it is nested in, or a
    /// type argument is private to a class, or a type argument is a type parameter of the code around the construction.
    /// </summary>
    public static string NameFromAssembly(INamedTypeSymbol type, Compilation compilation) =>
        Closed(type) && compilation.IsSymbolAccessibleWithin(type, compilation.Assembly)
            ? type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
            : string.Empty;

    /// <summary>Whether no type argument of <paramref name="type"/> or of a type it is nested in is (or holds) a type parameter.</summary>
    private static bool Closed(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => false,
        IArrayTypeSymbol array => Closed(array.ElementType),
        IPointerTypeSymbol => false,
        INamedTypeSymbol named => named.TypeArguments.All(Closed) && (named.ContainingType is null || Closed(named.ContainingType)),
        _ => true,
    };

    private static readonly SymbolDisplayFormat WithoutTypeArguments = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.None);

    /// <summary>
    /// Reports every use of a type parameter of <paramref name="layer"/> (or of a type it is nested in) in
    /// <paramref name="forward"/> and in the layer's child fields; false when there is one.
    /// </summary>
    public static bool CheckUnused(INamedTypeSymbol layer, MethodDeclarationSyntax forward, SemanticModel model, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var owners = new List<INamedTypeSymbol>();
        for (var type = layer; type is not null; type = type.ContainingType)
        {
            owners.Add(type);
        }

        if (owners.All(o => o.TypeParameters.Length == 0))
        {
            return true;
        }

        bool Depends(ITypeSymbol? type) => type switch
        {
            ITypeParameterSymbol parameter => parameter.DeclaringType is { } declaring && owners.Contains(declaring, SymbolEqualityComparer.Default),
            IArrayTypeSymbol array => Depends(array.ElementType),
            INamedTypeSymbol named => named.TypeArguments.Any(Depends) || Depends(named.ContainingType),
            _ => false,
        };

        int before = diagnostics.Count;
        var body = (SyntaxNode?)forward.Body ?? forward.ExpressionBody;
        var queue = new Queue<SyntaxNode>(body?.ChildNodes() ?? Enumerable.Empty<SyntaxNode>());
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            // 'this' is of the generic type itself, and reading the layer's members through it is what a forward does.
            // A declared type ('var tag = default(T);') says what its initialiser says: reported there, once.
            if (node is ExpressionSyntax and not (ThisExpressionSyntax or BaseExpressionSyntax) && node.Parent is not VariableDeclarationSyntax && Depends(model.GetTypeInfo(node, cancellationToken).Type))
            {
                var type = model.GetTypeInfo(node, cancellationToken).Type!.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
                ForwardParser.ReportUnsupported(
                    diagnostics,
                    node,
                    layer.Name,
                    $"it is of type {type.ToDisplayString()}, which depends on a type parameter of {layer.Name}; the kernels are generated once for every type argument, "
                    + "so what Forward computes cannot depend on one: use a concrete type here (a child of a concrete layer class, a size or hyperparameter of the constructor)");
                continue; // its parts would say the same
            }

            foreach (var child in node.ChildNodes())
            {
                queue.Enqueue(child);
            }
        }

        foreach (var member in layer.GetMembers())
        {
            var memberType = member switch
            {
                IFieldSymbol { IsImplicitlyDeclared: false } field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };
            if (member.IsStatic || !Depends(memberType) || !IsLayerLike(memberType!)
                || member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not { } declaration
                || declaration is PropertyDeclarationSyntax { ExpressionBody: not null }
                || (declaration is PropertyDeclarationSyntax withAccessors && withAccessors.AccessorList?.Accessors.Any(a => a.Body is not null || a.ExpressionBody is not null) == true))
            {
                continue; // not a child: a property with a body holds nothing (as ChildReader reads children)
            }

            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedLayerDeclaration,
                LocationInfo.From(declaration),
                "child",
                member.Name,
                $"its type {memberType!.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString()} depends on a type parameter of {layer.Name}, and a child's kernels are chosen when {layer.Name}'s are generated, "
                + "once for every type argument; give the child a concrete layer class"));
        }

        return diagnostics.Count == before;
    }

    private static bool IsLayerLike(ITypeSymbol type) =>
        (type is ITypeParameterSymbol parameter && parameter.ConstraintTypes.Any(IsLayerLike))
        || type.ToDisplayString() is "LayerGen.ILayer" or "LayerGen.IModule"
        || type.AllInterfaces.Any(i => i.ToDisplayString() is "LayerGen.ILayer" or "LayerGen.IModule")
        || type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == LayerParser.LayerAttributeName);
}
