using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Turns the body of <c>Tensor Forward(Tensor x)</c> (or <c>Forward(Tensor x, Tensor y, ...)</c>: several inputs) into an <see cref="Expr"/> tree. Accepts an
/// expression body, or a block of <c>var</c> locals followed by one <c>return</c>. Every other
/// construct is reported on its own syntax node with a hint of what to write instead.
/// </summary>
internal static class ForwardParser
{
    public static ForwardModel? Parse(
        string layerName,
        IMethodSymbol method,
        MethodDeclarationSyntax syntax,
        SemanticModel model,
        HashSet<string> parameterNames,
        HashSet<string> childNames,
        ICollection<string> constructorParameters,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken,
        bool isLossClass = false)
    {
        var location = LocationInfo.From(syntax.Identifier.GetLocation());
        bool isLoss = isLossClass;
        int outputs = OutputCount(method.ReturnType, allowTuple: !isLoss);
        if (outputs == 0 || method.Parameters.Any(p => p.Type.ToDisplayString() != "LayerGen.Tensor"))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedForwardSignature,
                location,
                layerName,
                isLoss ? "a loss's must be 'Tensor Forward(Tensor input, Tensor target)'" : "it must take tensors and return one: 'Tensor Forward(Tensor x)', or 'Tensor Forward(Tensor x, Tensor y)' for several inputs, or '(Tensor, Tensor) Forward(...)' for several outputs"));
            return null;
        }

        string? targetName = isLoss ? method.Parameters[1].Name : null;

        // A tuple's element names ((Tensor Output, Tensor State) Forward(...)), kept on the generated Call; "" where unnamed.
        var outputNames = outputs > 1 && method.ReturnType is INamedTypeSymbol tupleType
            ? tupleType.TupleElements.Select(e => e.IsExplicitlyNamedTupleElement ? e.Name : string.Empty).ToEquatableArray()
            : EquatableArray<string>.Empty;

        // A layer's inputs after the first (Forward(Tensor x, Tensor h)): each is read as an input of its own.
        var otherInputs = isLoss ? EquatableArray<string>.Empty : method.Parameters.Skip(1).Select(p => p.Name).ToEquatableArray();
        var reader = new ExprReader(layerName, method.Parameters[0].Name, model, parameterNames, childNames, diagnostics, cancellationToken) { TargetName = targetName, ConstructorParameters = constructorParameters, OtherInputs = new HashSet<string>(otherInputs) };
        if (syntax.ExpressionBody is { } arrow)
        {
            var results = ReadResults(reader, arrow.Expression, outputs, layerName, diagnostics);
            return results is null ? null : new ForwardModel(method.Parameters[0].Name, EquatableArray<LocalModel>.Empty, results[0], location) { TargetName = targetName, OtherInputNames = otherInputs, OtherResults = results.Skip(1).ToEquatableArray(), OutputNames = outputNames };
        }

        if (syntax.Body is not { } body)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedForwardSignature, location, layerName, "it has no body"));
            return null;
        }

        var locals = new List<LocalModel>();
        Expr? returned = null;
        var otherResults = EquatableArray<Expr>.Empty;
        foreach (var statement in body.Statements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (returned is not null)
            {
                Report(diagnostics, statement, layerName, "nothing may follow the return statement");
                return null;
            }

            switch (statement)
            {
                case LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } local
                    when local.Declaration.Variables[0].Initializer is { } init:
                    var value = reader.Read(init.Value);
                    if (value is null)
                    {
                        return null;
                    }

                    string name = local.Declaration.Variables[0].Identifier.ValueText;
                    reader.DeclareLocal(name);
                    locals.Add(new LocalModel(name, value));
                    break;
                case ReturnStatementSyntax { Expression: { } expression }:
                    var results = ReadResults(reader, expression, outputs, layerName, diagnostics);
                    if (results is null)
                    {
                        return null;
                    }

                    returned = results[0];
                    otherResults = results.Skip(1).ToEquatableArray();

                    break;
                default:
                    Report(diagnostics, statement, layerName, "a forward body may only declare locals ('var h = ...;') and return an expression; loops, branches and assignments cannot be differentiated");
                    return null;
            }
        }

        if (returned is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedForwardSignature, location, layerName, "it has no return statement"));
            return null;
        }

        return new ForwardModel(method.Parameters[0].Name, locals.ToEquatableArray(), returned, location) { TargetName = targetName, OtherInputNames = otherInputs, OtherResults = otherResults, OutputNames = outputNames };
    }

    /// <summary>How many tensors <c>Forward</c> returns: 1 for <c>Tensor</c>, n for a tuple of n tensors (a layer only), 0 for anything else.</summary>
    private static int OutputCount(ITypeSymbol type, bool allowTuple)
    {
        if (type.ToDisplayString() == "LayerGen.Tensor")
        {
            return 1;
        }

        return allowTuple && type is INamedTypeSymbol { IsTupleType: true } tuple
            && tuple.TupleElements.All(e => e.Type.ToDisplayString() == "LayerGen.Tensor")
            ? tuple.TupleElements.Length
            : 0;
    }

    /// <summary>
    /// The returned expression, or for a tuple of <paramref name="outputs"/> tensors the tuple literal's elements
    /// (<c>return (output, state);</c>), each read as a result of its own.
    /// </summary>
    private static List<Expr>? ReadResults(ExprReader reader, ExpressionSyntax expression, int outputs, string layerName, List<DiagnosticInfo> diagnostics)
    {
        if (outputs == 1)
        {
            return reader.Read(expression) is { } single ? new List<Expr> { single } : null;
        }

        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        if (expression is not TupleExpressionSyntax tuple || tuple.Arguments.Count != outputs)
        {
            Report(diagnostics, expression, layerName, $"Forward returns {outputs} tensors, so it returns a tuple of them written out, e.g. 'return (output, state);'");
            return null;
        }

        var results = new List<Expr>();
        foreach (var argument in tuple.Arguments)
        {
            if (reader.Read(argument.Expression) is not { } result)
            {
                return null;
            }

            results.Add(result);
        }

        return results;
    }

    private static void Report(List<DiagnosticInfo> diagnostics, SyntaxNode node, string layerName, string why) =>
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(node), Shorten(node.ToString()), layerName, why));

    internal static string Shorten(string text)
    {
        text = string.Join(" ", text.Split(new[] { '\r', '\n', '\t', ' ' }, System.StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 120 ? text : text.Substring(0, 117) + "...";
    }
}
