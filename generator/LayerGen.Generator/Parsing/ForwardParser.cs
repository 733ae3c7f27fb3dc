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
/// Turns the body of <c>Tensor Forward(Tensor x)</c> into an <see cref="Expr"/> tree. Accepts an
/// expression body, or a block of statements (<see cref="StatementReader"/>) whose control flow is resolved at
/// compile time (<see cref="ForwardUnroller"/>). Every other construct is reported on its own syntax node with a
/// hint of what to write instead.
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
        CancellationToken cancellationToken)
    {
        var location = LocationInfo.From(syntax.Identifier.GetLocation());
        bool isLoss = method.Parameters.Length == 2;
        if (method.ReturnType.ToDisplayString() != "LayerGen.Tensor" || method.Parameters.Any(p => p.Type.ToDisplayString() != "LayerGen.Tensor"))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedForwardSignature,
                location,
                layerName,
                isLoss ? "a loss's must be 'Tensor Forward(Tensor input, Tensor target)'" : "it must be 'Tensor Forward(Tensor x)'"));
            return null;
        }

        string? targetName = isLoss ? method.Parameters[1].Name : null;
        var environment = new ForwardEnvironment(layerName, model, constructorParameters, diagnostics, cancellationToken);
        var reader = new ExprReader(layerName, method.Parameters[0].Name, model, parameterNames, childNames, diagnostics, cancellationToken) { TargetName = targetName, ConstructorParameters = constructorParameters, Environment = environment };
        if (syntax.ExpressionBody is { } arrow)
        {
            var result = reader.Read(arrow.Expression);
            return result is null ? null : new ForwardModel(method.Parameters[0].Name, EquatableArray<LocalModel>.Empty, result, location) { TargetName = targetName };
        }

        if (syntax.Body is not { } body)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedForwardSignature, location, layerName, "it has no body"));
            return null;
        }

        // A block body: its statements, with their control flow resolved at compile time (ForwardUnroller).
        var statements = new StatementReader(reader, environment, model, cancellationToken).ReadBody(body);
        if (statements is null)
        {
            return null;
        }

        if (statements.LastOrDefault() is not ReturnStatement returned)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedForwardSignature, location, layerName, "it has no return statement"));
            return null;
        }

        var program = statements.ToEquatableArray();
        var forward = new ForwardModel(method.Parameters[0].Name, EquatableArray<LocalModel>.Empty, returned.Value, location) { TargetName = targetName };
        if (ForwardUnroller.SizesRead(program).Any())
        {
            // A loop over numSteps: unrolled once the layer's constant constructions say how many steps (LayerCompiler).
            return forward with { Deferred = program };
        }

        var unrolled = ForwardUnroller.Unroll(layerName, program, new Dictionary<string, int>(), new Dictionary<string, string>(), ForwardUnroller.TakenNames(forward, parameterNames, childNames), diagnostics);
        return unrolled is { } resolved ? forward with { Locals = resolved.Locals, Result = resolved.Result } : null;
    }

    private static void Report(List<DiagnosticInfo> diagnostics, SyntaxNode node, string layerName, string why) =>
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(node), Shorten(node.ToString()), layerName, why));

    internal static string Shorten(string text)
    {
        text = string.Join(" ", text.Split(new[] { '\r', '\n', '\t', ' ' }, System.StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 120 ? text : text.Substring(0, 117) + "...";
    }
}
