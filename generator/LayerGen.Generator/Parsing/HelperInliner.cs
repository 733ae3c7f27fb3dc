using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Reads a call of one of the layer's helpers — a method of the layer class or a local function of its forward, taking
/// tensors and ints and returning a tensor or a tuple of tensors — into an <see cref="InlineCallExpr"/>: its body is read like the forward's
/// (loops, branches and all) in a scope of its own, and <see cref="ForwardUnroller"/> inlines it at each call, so the
/// graph has no calls. A helper that calls itself, directly or through others, is refused: its depth is not known to
/// the reader.
/// </summary>
internal sealed class HelperInliner
{
    private readonly INamedTypeSymbol _layer;
    private readonly ExprReader _reader;
    private readonly ForwardEnvironment _environment;
    private readonly SemanticModel _model;
    private readonly CancellationToken _cancellationToken;
    private readonly List<IMethodSymbol> _reading = new();

    public HelperInliner(IMethodSymbol forward, ExprReader reader, ForwardEnvironment environment, SemanticModel model, CancellationToken cancellationToken)
    {
        _layer = forward.ContainingType;
        _reading.Add(forward);
        _reader = reader;
        _environment = environment;
        _model = model;
        _cancellationToken = cancellationToken;
        environment.HelperReader = Read;
    }

    private ForwardEnvironment.Claim? Read(InvocationExpressionSyntax invocation, string text, LocationInfo? location)
    {
        if (_model.GetSymbolInfo(invocation, _cancellationToken).Symbol is not IMethodSymbol method
            || !(method.MethodKind == MethodKind.LocalFunction || SymbolEqualityComparer.Default.Equals(method.ContainingType, _layer)))
        {
            return null;
        }

        return new ForwardEnvironment.Claim(Inline(invocation, method.OriginalDefinition, text, location));
    }

    private Expr? Inline(InvocationExpressionSyntax invocation, IMethodSymbol method, string text, LocationInfo? location)
    {
        if (_reading.Contains(method, SymbolEqualityComparer.Default))
        {
            return _environment.Report<Expr>(invocation, $"'{method.Name}' calls itself (directly or through another helper); a helper is inlined at compile time, so its recursion would never end — write the repetition as a 'for' loop");
        }

        var syntax = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_cancellationToken)).FirstOrDefault();
        var (body, expressionBody) = syntax switch
        {
            MethodDeclarationSyntax m => (m.Body, m.ExpressionBody?.Expression),
            LocalFunctionStatementSyntax f => (f.Body, f.ExpressionBody?.Expression),
            _ => (null, null),
        };
        if (syntax is null || syntax.SyntaxTree != invocation.SyntaxTree || (body is null && expressionBody is null))
        {
            return _environment.Report<Expr>(invocation, $"'{method.Name}' is inlined into the forward, so its body must be written in the same file as the forward");
        }

        if (!(IsTensor(method.ReturnType) || IsTupleOfTensors(method.ReturnType)) || method.IsGenericMethod)
        {
            return _environment.Report<Expr>(invocation, $"a helper called in a forward definition takes tensors and ints and returns a Tensor or a tuple of them; '{method.Name}' returns {method.ReturnType.ToDisplayString()}");
        }

        if (method.Parameters.FirstOrDefault(p => p.RefKind != RefKind.None || !(IsTensor(p.Type) || p.Type.SpecialType == SpecialType.System_Int32)) is { } unsupported)
        {
            return _environment.Report<Expr>(invocation, $"a helper called in a forward definition takes tensors and ints by value; its parameter '{unsupported.Name}' is {unsupported.Type.ToDisplayString()}");
        }

        var arguments = ReadArguments(invocation, method);
        if (arguments is null)
        {
            return null;
        }

        var statements = new List<ForwardStatement>();
        _reading.Add(method);
        using (_environment.Helper(
            method.Parameters.Where(p => IsTensor(p.Type)).Select(p => p.Name),
            method.Parameters.Where(p => !IsTensor(p.Type)).Select(p => p.Name),
            capturesEnclosing: method.MethodKind == MethodKind.LocalFunction))
        {
            if (expressionBody is not null)
            {
                if (_reader.Read(expressionBody) is not { } value)
                {
                    _reading.RemoveAt(_reading.Count - 1);
                    return null;
                }

                statements.Add(new ReturnStatement(value, LocationInfo.From(expressionBody)));
            }
            else if (new StatementReader(_reader, _environment, _model, _cancellationToken) { InHelper = true }.ReadBody(body!) is { } read)
            {
                statements.AddRange(read);
            }
            else
            {
                _reading.RemoveAt(_reading.Count - 1);
                return null;
            }
        }

        _reading.RemoveAt(_reading.Count - 1);
        var declared = method.Parameters.Select(p => p.Name).Concat(StatementReader.Declared(statements)).Distinct().ToEquatableArray();
        return new InlineCallExpr(method.Name, arguments.ToEquatableArray(), statements.ToEquatableArray(), declared, text, location);
    }

    /// <summary>Each parameter's argument (named, positional or its default), read in the caller's scope.</summary>
    private List<InlineArgument>? ReadArguments(InvocationExpressionSyntax invocation, IMethodSymbol method)
    {
        var result = new List<InlineArgument>();
        if (_model.GetOperation(invocation, _cancellationToken) is not IInvocationOperation operation)
        {
            return _environment.Report<List<InlineArgument>>(invocation, "the call does not bind to the helper's parameters");
        }

        foreach (var parameter in method.Parameters)
        {
            var argument = operation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == parameter.Ordinal);
            var syntax = (argument?.Syntax as ArgumentSyntax)?.Expression;
            if (IsTensor(parameter.Type))
            {
                if (syntax is null || _reader.Read(syntax) is not { } tensor)
                {
                    return syntax is null ? _environment.Report<List<InlineArgument>>(invocation, $"'{parameter.Name}' needs a tensor argument") : null;
                }

                result.Add(new InlineArgument(parameter.Name, tensor, null));
            }
            else if (syntax is null)
            {
                if (argument?.Value.ConstantValue is not { HasValue: true, Value: int value })
                {
                    return _environment.Report<List<InlineArgument>>(invocation, $"'{parameter.Name}' needs an int argument");
                }

                result.Add(new InlineArgument(parameter.Name, null, new IntConstant(value)));
            }
            else if (_environment.ReadInt(syntax, out var problem) is { } integer)
            {
                result.Add(new InlineArgument(parameter.Name, null, integer));
            }
            else
            {
                return _environment.Report<List<InlineArgument>>(problem ?? syntax, "a helper's int argument must be computed from constants, loop variables and the layer's int sizes");
            }
        }

        return result;
    }

    private static bool IsTensor(ITypeSymbol type) => type.ToDisplayString() == "LayerGen.Tensor";

    /// <summary><c>(Tensor, Tensor)</c>: a helper returning it is taken apart where it is called (<c>var (a, b) = Split(x);</c>).</summary>
    private static bool IsTupleOfTensors(ITypeSymbol type) =>
        type is INamedTypeSymbol { IsTupleType: true } tuple && tuple.TupleElements.All(e => IsTensor(e.Type));
}
