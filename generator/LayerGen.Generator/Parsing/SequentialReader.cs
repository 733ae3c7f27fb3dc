using System.Linq;
using System.Threading;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Generator.Parsing;

/// <summary>One argument of <c>new Sequential(...)</c>: a layer construction with constant sizes, or something unknown.</summary>
/// <param name="TypeFullName">The layer's name without type arguments (<see cref="TypeParameters.LayerFullName"/>).</param>
/// <param name="TypeName">
/// The constructed type as generated code at the top level of the assembly names it, type arguments included
/// (<c>global::Demo.Scaled&lt;global::Demo.Foo&gt;</c>); empty when it cannot (<see cref="TypeParameters.NameFromAssembly"/>).
/// </param>
internal sealed record SequentialEntry(string TypeFullName, EquatableArray<int>? Sizes, LayerSignature? MetadataSignature, string Text, LocationInfo? Location)
{
    public string TypeName { get; init; } = string.Empty;
}

/// <summary>A <c>new Sequential(a, b, c)</c> whose layers' shapes can be checked against each other at compile time.</summary>
internal sealed record SequentialSite(EquatableArray<SequentialEntry> Entries);

/// <summary>Reads <c>new Sequential(new MyLinear(64, 8), new MyLinear(8, 1))</c> for the composition check (LG0010).</summary>
internal static class SequentialReader
{
    public static SequentialSite? Read(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            // Read from the syntax: before generation a layer of this compilation does not implement
            // ILayer yet, so the call as a whole does not bind; each argument on its own does.
            if (context.Node is not BaseObjectCreationExpressionSyntax { ArgumentList: { } arguments } creation
                || creation is ObjectCreationExpressionSyntax { Type: var written } && !MayNameSequential(written)
                || context.SemanticModel.GetTypeInfo(creation, cancellationToken).Type?.ToDisplayString() != "LayerGen.Sequential")
            {
                return null;
            }

            var entries = arguments.Arguments
                .Select(a => Entry(a.Expression, context.SemanticModel.GetOperation(a.Expression, cancellationToken), context.SemanticModel.Compilation))
                .ToList();
            return entries.Count >= 1 ? new SequentialSite(entries.ToEquatableArray()) : null;
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether a written type can be <c>Sequential</c>: its name, or an alias declared in the same file. Asked before
    /// binding, which for one construction binds the whole method around it. (A global alias declared in another file
    /// is not seen, so such a <c>new Seq(...)</c> goes unchecked at compile time; it is still checked when it runs.)
    /// </summary>
    private static bool MayNameSequential(TypeSyntax written)
    {
        string name = written switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax aliased => aliased.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => "Sequential",
        };
        return name == "Sequential" || written.SyntaxTree.GetRoot().DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
            .OfType<UsingDirectiveSyntax>()
            .Any(u => u.Alias?.Name.Identifier.ValueText == name);
    }

    /// <summary>
    /// Whether a node may construct a generic layer outside a <c>Sequential</c> (<c>new Scaled&lt;Foo&gt;(4)</c>, also without
    /// arguments): its written type names type arguments, or it is target-typed with arguments (a target-typed <c>new()</c> is
    /// everywhere in ordinary code, and binding each would cost every edit; a generic layer without sizes is rare). Asked before binding.
    /// </summary>
    public static bool MayConstructGenericLayer(SyntaxNode node, CancellationToken _) =>
        node is ImplicitObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: > 0 }
        || node is ObjectCreationExpressionSyntax { Type: var written } && written.DescendantNodesAndSelf().OfType<GenericNameSyntax>().Any();

    /// <summary>
    /// A construction of a generic layer with constant sizes whose constructed type the assembly can name
    /// (<c>new TaggedLinear&lt;Encoder&gt;(5, 3)</c>): a model of its own, whose generated step names that type. Null otherwise.
    /// </summary>
    public static SequentialEntry? ReadGenericLayer(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            if (context.Node is not BaseObjectCreationExpressionSyntax creation
                || context.SemanticModel.GetOperation(creation, cancellationToken) is not IObjectCreationOperation { Type: INamedTypeSymbol type } operation
                || !TypeParameters.IsGeneric(type)
                || !type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == LayerParser.LayerAttributeName))
            {
                return null;
            }

            var entry = Entry(creation, operation, context.SemanticModel.Compilation);
            return entry.Sizes is null || entry.TypeName.Length == 0 ? null : entry;
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            return null;
        }
    }

    private static SequentialEntry Entry(SyntaxNode syntax, IOperation? value, Compilation compilation)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        var text = ForwardParser.Shorten(syntax.ToString());
        var location = LocationInfo.Absolute(syntax); // anywhere in the code, not only in layers: no anchor
        if (value is not IObjectCreationOperation { Type: INamedTypeSymbol type, Constructor: { } constructor } creation)
        {
            return new SequentialEntry(string.Empty, null, null, text, location);
        }

        // Only the int parameters are sizes (the layer's signature's); hyperparameters do not shape it.
        var sizeOrdinals = constructor.Parameters.Where(p => p.Type.SpecialType == SpecialType.System_Int32).Select(p => p.Ordinal).ToList();
        var sizes = new int[sizeOrdinals.Count];
        bool constant = creation.Arguments.Length == constructor.Parameters.Length;
        foreach (var argument in creation.Arguments)
        {
            int at = argument.Parameter is null ? -1 : sizeOrdinals.IndexOf(argument.Parameter.Ordinal);
            if (argument.Parameter is not null && at < 0)
            {
                continue;
            }

            if (at >= 0 && argument.Value.ConstantValue is { HasValue: true, Value: int size })
            {
                sizes[at] = size;
            }
            else
            {
                constant = false;
            }
        }

        return new SequentialEntry(TypeParameters.LayerFullName(type), constant ? sizes.ToEquatableArray() : null, ChildReader.SignatureOf(type), text, location)
        {
            TypeName = TypeParameters.NameFromAssembly(type, compilation),
        };
    }
}
