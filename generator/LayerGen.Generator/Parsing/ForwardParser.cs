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
/// Turns the body of <c>Tensor Forward(Tensor x)</c> (or <c>Forward(Tensor x, Tensor y, ...)</c>: several inputs;
/// <c>(Tensor, Tensor) Forward(...)</c>: several outputs) into an <see cref="Expr"/> tree. Accepts an
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
        CancellationToken cancellationToken,
        bool isLossClass = false,
        IReadOnlyList<IReadOnlyList<SizeRef>>? declaredInputs = null)
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
        var environment = new ForwardEnvironment(layerName, model, constructorParameters, diagnostics, cancellationToken) { HasMode = !isLoss };

        // A tuple's element names ((Tensor Output, Tensor State) Forward(...)), kept on the generated Call; "" where unnamed.
        var outputNames = outputs > 1 && method.ReturnType is INamedTypeSymbol tupleType
            ? tupleType.TupleElements.Select(e => e.IsExplicitlyNamedTupleElement ? e.Name : string.Empty).ToEquatableArray()
            : EquatableArray<string>.Empty;

        // A layer's inputs after the first (Forward(Tensor x, Tensor h)): each is read as an input of its own.
        var otherInputs = isLoss ? EquatableArray<string>.Empty : method.Parameters.Skip(1).Select(p => p.Name).ToEquatableArray();
        // x.Size(-1) stands for the size the declared input shape gives that axis (or, undeclared, the one its uses give it).
        var featureSizes = new FeatureAxisSizes(method.Parameters.Select(p => p.Name).ToList(), declaredInputs ?? new List<IReadOnlyList<SizeRef>>());
        var reader = new ExprReader(layerName, method.Parameters[0].Name, model, parameterNames, childNames, diagnostics, cancellationToken)
        {
            TargetName = targetName,
            ConstructorParameters = constructorParameters,
            Environment = environment,
            OtherInputs = new HashSet<string>(otherInputs),
            FeatureSizes = featureSizes,
        };
        // Calls of the layer's helpers (methods, local functions) are inlined where they are read.
        _ = new HelperInliner(method, reader, environment, model, cancellationToken);
        List<ForwardStatement>? statements;
        if (syntax.ExpressionBody is { } arrow)
        {
            statements = reader.Read(arrow.Expression) is { } result ? new List<ForwardStatement> { new ReturnStatement(result, LocationInfo.From(arrow.Expression)) } : null;
        }
        else if (syntax.Body is { } body)
        {
            // A block body: its statements, with their control flow resolved at compile time (ForwardUnroller).
            statements = new StatementReader(reader, environment, model, cancellationToken).ReadBody(body);
        }
        else
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedForwardSignature, location, layerName, "it has no body"));
            return null;
        }

        if (statements is null)
        {
            return null;
        }

        if (FirstReturn(statements) is not { } returned)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedForwardSignature, location, layerName, "it has no return statement"));
            return null;
        }

        var program = statements.ToEquatableArray();
        var forward = new ForwardModel(method.Parameters[0].Name, EquatableArray<LocalModel>.Empty, returned.Value, location)
        {
            TargetName = targetName,
            OtherInputNames = otherInputs,
            OutputNames = outputNames,
            ResultCount = outputs,
            FeatureAxisReads = featureSizes.Reads.ToEquatableArray(),
        };
        if (ForwardUnroller.SizesRead(program).Any())
        {
            // A loop over numSteps: unrolled once the layer's constant constructions say how many steps (LayerCompiler).
            return forward with { Deferred = program };
        }

        var unrolled = ForwardUnroller.Unroll(layerName, program, new Dictionary<string, int>(), new Dictionary<string, string>(), ForwardUnroller.TakenNames(forward, parameterNames, childNames), diagnostics);
        return unrolled is { } resolved ? forward.WithResults(resolved.Locals, resolved.Result, layerName, diagnostics) is { } done ? done with { BufferUpdates = resolved.Updates } : null : null;
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

    /// <summary>The first return statement, at any depth (the forward's location for the result until unrolled).</summary>
    private static ReturnStatement? FirstReturn(IEnumerable<ForwardStatement> statements)
    {
        foreach (var statement in statements)
        {
            var found = statement switch
            {
                ReturnStatement ret => ret,
                ForStatement loop => FirstReturn(loop.Body),
                IfStatement branch => FirstReturn(branch.Then) ?? FirstReturn(branch.Else),
                _ => null,
            };
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>LG0003 on <paramref name="node"/>: the forward definition of <paramref name="layerName"/> cannot compile it, because <paramref name="why"/>.</summary>
    internal static void ReportUnsupported(List<DiagnosticInfo> diagnostics, SyntaxNode node, string layerName, string why) =>
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(node), Shorten(node.ToString()), layerName, why));

    internal static string Shorten(string text)
    {
        text = string.Join(" ", text.Split(new[] { '\r', '\n', '\t', ' ' }, System.StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 120 ? text : text.Substring(0, 117) + "...";
    }
}
