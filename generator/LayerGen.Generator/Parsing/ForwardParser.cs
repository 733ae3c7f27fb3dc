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
        if (method.ReturnType.ToDisplayString() != "LayerGen.Tensor" || method.Parameters.Any(p => p.Type.ToDisplayString() != "LayerGen.Tensor"))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedForwardSignature,
                location,
                layerName,
                isLoss ? "a loss's must be 'Tensor Forward(Tensor input, Tensor target)'" : "it must take tensors and return one: 'Tensor Forward(Tensor x)', or 'Tensor Forward(Tensor x, Tensor y)' for several inputs"));
            return null;
        }

        string? targetName = isLoss ? method.Parameters[1].Name : null;

        // A layer's inputs after the first (Forward(Tensor x, Tensor h)): each is read as an input of its own.
        var otherInputs = isLoss ? EquatableArray<string>.Empty : method.Parameters.Skip(1).Select(p => p.Name).ToEquatableArray();
        var reader = new ExprReader(layerName, method.Parameters[0].Name, model, parameterNames, childNames, diagnostics, cancellationToken) { TargetName = targetName, ConstructorParameters = constructorParameters, OtherInputs = new HashSet<string>(otherInputs) };
        if (syntax.ExpressionBody is { } arrow)
        {
            var result = reader.Read(arrow.Expression);
            return result is null ? null : new ForwardModel(method.Parameters[0].Name, EquatableArray<LocalModel>.Empty, result, location) { TargetName = targetName, OtherInputNames = otherInputs };
        }

        if (syntax.Body is not { } body)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedForwardSignature, location, layerName, "it has no body"));
            return null;
        }

        var locals = new List<LocalModel>();
        Expr? returned = null;
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
                    returned = reader.Read(expression);
                    if (returned is null)
                    {
                        return null;
                    }

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

        return new ForwardModel(method.Parameters[0].Name, locals.ToEquatableArray(), returned, location) { TargetName = targetName, OtherInputNames = otherInputs };
    }

    private static void Report(List<DiagnosticInfo> diagnostics, SyntaxNode node, string layerName, string why) =>
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(node), Shorten(node.ToString()), layerName, why));

    internal static string Shorten(string text)
    {
        text = string.Join(" ", text.Split(new[] { '\r', '\n', '\t', ' ' }, System.StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 120 ? text : text.Substring(0, 117) + "...";
    }
}
