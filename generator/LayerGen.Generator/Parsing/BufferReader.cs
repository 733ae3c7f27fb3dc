using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Reads a layer's non-trainable tensor fields: <c>[Buffer] Tensor runningMean = Tensor.Zeros(n);</c> (PyTorch's
/// <c>register_buffer</c>) and plain <c>Tensor</c> fields (<c>readonly Tensor P = MakeTable(maxLen, numHiddens);</c>,
/// PyTorch's plain attribute). A forward reads them as it reads a parameter; they are never given a gradient.
/// </summary>
internal static class BufferReader
{
    private const string BufferAttributeName = "LayerGen.BufferAttribute";
    private const string ParameterAttributeName = "LayerGen.ParameterAttribute";

    /// <summary>
    /// Every [Buffer], and every other instance <c>Tensor</c> field or property a method of the layer reads that is not a
    /// [Parameter]. A [Buffer] whose
    /// shape cannot be read is reported (LG0004); a plain field whose shape cannot be read is left out (it may be
    /// state the forward never reads: reading it then is reported as an unknown name, LG0003).
    /// </summary>
    public static List<BufferModel> Read(INamedTypeSymbol type, SemanticModel semanticModel, List<string> sizes, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var result = new List<BufferModel>();
        foreach (var member in type.GetMembers())
        {
            if (member is not (IFieldSymbol or IPropertySymbol) || member.IsImplicitlyDeclared || member.IsStatic)
            {
                continue;
            }

            var memberType = member is IFieldSymbol field ? field.Type : ((IPropertySymbol)member).Type;
            if (memberType.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString() != "LayerGen.Tensor")
            {
                continue;
            }

            var attributes = member.GetAttributes().Select(a => a.AttributeClass?.ToDisplayString()).ToList();
            if (attributes.Contains(ParameterAttributeName))
            {
                continue;
            }

            bool persistent = attributes.Contains(BufferAttributeName);
            if (!persistent && !ReadByAMethod(type, member.Name, cancellationToken))
            {
                // A plain field no method reads is the user's own business (a cache, a constant), not the forward's state.
                continue;
            }

            var location = LocationInfo.From(member.Locations.FirstOrDefault() ?? Location.None);
            var initializer = member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) switch
            {
                VariableDeclaratorSyntax v => v.Initializer?.Value,
                PropertyDeclarationSyntax p => p.Initializer?.Value,
                _ => null,
            };

            string? problem = "it has no initialiser; write e.g. 'Tensor.Zeros(numFeatures)'";
            var model = initializer is null || semanticModel.SyntaxTree == initializer.SyntaxTree
                ? semanticModel
                : semanticModel.Compilation.GetSemanticModel(initializer.SyntaxTree);
            var shape = initializer is null ? null : ParameterShapeReader.Read(initializer, model, sizes, out problem)
                ?? ShapeOfMethodResult(initializer, model, sizes, cancellationToken);
            if (shape is null)
            {
                problem = initializer is null ? problem ?? string.Empty : (problem ?? "unrecognised initialiser")
                    + "; a buffer's initialiser is a factory call ('Tensor.Zeros(n)') or a call of a method that returns one ('MakeTable(maxLen, numHiddens)' returning 'Tensor.Zeros(1, maxLen, numHiddens)' filled in)";
                if (persistent)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownParameterShape, initializer is null ? location : LocationInfo.From(initializer), member.Name, problem));
                }

                continue;
            }

            result.Add(new BufferModel(member.Name, shape.ToEquatableArray(), ForwardParser.Shorten(initializer!.ToString()), persistent, StateName(member.Name), location));
        }

        return result;
    }

    /// <summary>The names of the members marked [Buffer], whether or not their shape can be read.</summary>
    public static IEnumerable<string> AttributedNames(INamedTypeSymbol type) =>
        type.GetMembers().Where(m => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == BufferAttributeName)).Select(m => m.Name);

    /// <summary>Whether a method of the layer (the forward, a helper) mentions <paramref name="name"/>.</summary>
    private static bool ReadByAMethod(INamedTypeSymbol type, string name, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(cancellationToken))
            .OfType<TypeDeclarationSyntax>()
            .SelectMany(t => t.Members.OfType<MethodDeclarationSyntax>())
            .Any(m => m.DescendantNodes().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == name));

    /// <summary>
    /// PyTorch's spelling of a field's name in a state dict: each lower-case letter or digit followed by a capital gets
    /// an underscore and the capital becomes lower case (<c>runningMean</c> → <c>running_mean</c>,
    /// <c>numBatchesTracked</c> → <c>num_batches_tracked</c>); other names are kept (<c>P</c>, <c>mask</c>).
    /// </summary>
    public static string StateName(string name)
    {
        var result = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
            {
                result.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    /// <summary>
    /// <c>MakeTable(maxLen, numHiddens)</c>, a method declared in source that returns a tensor made by a factory
    /// (<c>var p = Tensor.Zeros(1, maxLen, numHiddens); ... return p;</c>, or <c>=> Tensor.Zeros(...)</c>): that factory's
    /// shape with the method's parameters replaced by the call's arguments; null otherwise.
    /// </summary>
    private static List<SizeRef>? ShapeOfMethodResult(ExpressionSyntax initializer, SemanticModel model, List<string> sizes, CancellationToken cancellationToken)
    {
        if (initializer is not InvocationExpressionSyntax invocation
            || model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method
            || method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not MethodDeclarationSyntax declaration
            || invocation.ArgumentList.Arguments.Count != method.Parameters.Length)
        {
            return null;
        }

        var methodModel = model.SyntaxTree == declaration.SyntaxTree ? model : model.Compilation.GetSemanticModel(declaration.SyntaxTree);
        var returned = declaration.ExpressionBody?.Expression
            ?? (declaration.Body?.DescendantNodes().OfType<ReturnStatementSyntax>().ToList() is { Count: 1 } returns ? returns[0].Expression : null);
        if (returned is IdentifierNameSyntax local)
        {
            returned = declaration.Body?.DescendantNodes().OfType<VariableDeclaratorSyntax>()
                .FirstOrDefault(v => v.Identifier.ValueText == local.Identifier.ValueText)?.Initializer?.Value;
        }

        var intParameters = method.Parameters.Where(p => p.Type.SpecialType == SpecialType.System_Int32).Select(p => p.Name).ToList();
        if (returned is null || ParameterShapeReader.Read(returned, methodModel, intParameters, out _) is not { } shape)
        {
            return null;
        }

        // The method's int parameters, as the call passes them: sizes of the layer.
        var arguments = new Dictionary<string, SizeExpr>();
        for (int i = 0; i < method.Parameters.Length; i++)
        {
            if (intParameters.Contains(method.Parameters[i].Name))
            {
                if (SizeReader.Read(invocation.ArgumentList.Arguments[i].Expression, model, sizes, cancellationToken, out _) is not { } size)
                {
                    return null;
                }

                arguments[method.Parameters[i].Name] = size;
            }
        }

        var result = new List<SizeRef>();
        foreach (var dim in shape)
        {
            if (dim.Size is not { } size || size.Symbols.Any(s => !arguments.ContainsKey(s)))
            {
                return null;
            }

            result.Add(SizeRef.From(size.Substitute(s => arguments[s])));
        }

        return result;
    }
}
