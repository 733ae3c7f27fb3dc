using System.Collections.Generic;
using System.Threading;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>Reads one C# expression of a forward definition into an <see cref="Expr"/>.</summary>
internal sealed class ExprReader
{
    /// <summary>Element-wise functions called as <c>Ops.Name(x)</c>.</summary>
    private static readonly HashSet<string> UnaryOps = new() { "Relu", "Tanh", "Sigmoid", "Exp", "Log" };

    /// <summary>Tensor methods called as <c>x.Name(...)</c>: name → number of tensor arguments besides the receiver.</summary>
    private static readonly Dictionary<string, int> TensorMethods = new()
    {
        ["MatMul"] = 1,
        ["Sum"] = 0,
        ["Mean"] = 0,
    };

    private readonly string _layerName;
    private readonly string _inputName;
    private readonly SemanticModel _model;
    private readonly HashSet<string> _parameters;
    private readonly HashSet<string> _children;
    private readonly HashSet<string> _locals = new();
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly CancellationToken _cancellationToken;

    public ExprReader(string layerName, string inputName, SemanticModel model, HashSet<string> parameters, HashSet<string> children, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        _children = children;
        _layerName = layerName;
        _inputName = inputName;
        _model = model;
        _parameters = parameters;
        _diagnostics = diagnostics;
        _cancellationToken = cancellationToken;
    }

    public void DeclareLocal(string name) => _locals.Add(name);

    /// <summary>Reads <paramref name="syntax"/>, or reports why it cannot and returns null.</summary>
    public Expr? Read(ExpressionSyntax syntax)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        string text = ForwardParser.Shorten(syntax.ToString());
        var location = LocationInfo.From(syntax);
        switch (syntax)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Read(parenthesized.Expression);
            case IdentifierNameSyntax identifier:
                return ReadName(identifier.Identifier.ValueText, syntax, text, location);
            case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } thisAccess:
                return ReadName(thisAccess.Name.Identifier.ValueText, syntax, text, location);
            case LiteralExpressionSyntax or CastExpressionSyntax or CheckedExpressionSyntax when Constant(syntax) is { } literal:
                return new NumberExpr(literal, text, location);
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } negate:
                if (Constant(syntax) is { } negated)
                {
                    return new NumberExpr(negated, text, location);
                }

                var operand = Read(negate.Operand);
                return operand is null ? null : new NegateExpr(operand, text, location);
            case BinaryExpressionSyntax binary when OperatorOf(binary) is char op:
                if (Constant(syntax) is { } folded)
                {
                    return new NumberExpr(folded, text, location);
                }

                var left = Read(binary.Left);
                if (left is null)
                {
                    return null;
                }

                var right = Read(binary.Right);
                return right is null ? null : new BinaryExpr(op, left, right, text, location);
            case InvocationExpressionSyntax invocation:
                return ReadInvocation(invocation, text, location);
            case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "T" } transpose:
                var transposed = Read(transpose.Expression);
                return transposed is null ? null : new CallExpr("T", new[] { transposed }.ToEquatableArray(), EquatableArray<int>.Empty, text, location);
            default:
                if (Constant(syntax) is { } constant)
                {
                    return new NumberExpr(constant, text, location);
                }

                return Unsupported(syntax, "this kind of expression is not part of LayerGen's op set (see docs/ops.md)");
        }
    }

    private Expr? ReadName(string name, ExpressionSyntax syntax, string text, LocationInfo? location)
    {
        if (name == _inputName)
        {
            return new NameExpr(name, NameKind.Input, text, location);
        }

        if (_locals.Contains(name))
        {
            return new NameExpr(name, NameKind.Local, text, location);
        }

        if (_parameters.Contains(name))
        {
            return new NameExpr(name, NameKind.Parameter, text, location);
        }

        if (Constant(syntax) is { } constant)
        {
            return new NumberExpr(constant, text, location);
        }

        return Unsupported(syntax, "only the input, locals declared above, [Parameter] members and constants can be used");
    }

    private Expr? ReadInvocation(InvocationExpressionSyntax invocation, string text, LocationInfo? location)
    {
        if (invocation.Expression is not MemberAccessExpressionSyntax access)
        {
            return Unsupported(invocation, "only methods of Tensor and Ops can be called in a forward definition");
        }

        string name = access.Name.Identifier.ValueText;
        var operands = new List<Expr>();
        var constants = new List<int>();
        var arguments = invocation.ArgumentList.Arguments;

        if (name == "Call" && arguments.Count == 1 && ChildName(access.Expression) is string child)
        {
            var operand = Read(arguments[0].Expression);
            return operand is null ? null : new CallExpr("Child:" + child, new[] { operand }.ToEquatableArray(), EquatableArray<int>.Empty, text, location);
        }

        if (IsOpsClass(access.Expression))
        {
            if (UnaryOps.Contains(name) && arguments.Count == 1)
            {
                var operand = Read(arguments[0].Expression);
                return operand is null ? null : new CallExpr(name, new[] { operand }.ToEquatableArray(), EquatableArray<int>.Empty, text, location);
            }

            if (name == "MatMul" && arguments.Count == 2)
            {
                var a = Read(arguments[0].Expression);
                var b = a is null ? null : Read(arguments[1].Expression);
                return b is null ? null : new CallExpr("MatMul", new[] { a!, b }.ToEquatableArray(), EquatableArray<int>.Empty, text, location);
            }

            return Unsupported(invocation, $"'Ops.{name}' with {arguments.Count} argument(s) is not supported by the generator yet");
        }

        if (!TensorMethods.TryGetValue(name, out int tensorArguments))
        {
            return Unsupported(invocation, $"'{name}' is not a tensor op LayerGen knows (see docs/ops.md)");
        }

        var receiver = Read(access.Expression);
        if (receiver is null)
        {
            return null;
        }

        operands.Add(receiver);
        for (int i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i].Expression;
            if (i < tensorArguments)
            {
                var operand = Read(argument);
                if (operand is null)
                {
                    return null;
                }

                operands.Add(operand);
                continue;
            }

            var constant = _model.GetConstantValue(argument, _cancellationToken);
            switch (constant.HasValue ? constant.Value : null)
            {
                case int value:
                    constants.Add(value);
                    break;
                case bool flag:
                    constants.Add(flag ? 1 : 0);
                    break;
                default:
                    return Unsupported(argument, "this argument must be a compile-time constant (an axis or a keepDim flag)");
            }
        }

        if (operands.Count != tensorArguments + 1)
        {
            return Unsupported(invocation, $"'{name}' takes {tensorArguments} tensor argument(s)");
        }

        if ((name == "Sum" || name == "Mean") && constants.Count > 2)
        {
            return Unsupported(invocation, $"'{name}' takes at most an axis and a keepDim flag");
        }

        return new CallExpr(name, operands.ToEquatableArray(), constants.ToEquatableArray(), text, location);
    }

    /// <summary>The child layer a receiver names (<c>fc1</c> or <c>this.fc1</c>), if any.</summary>
    private string? ChildName(ExpressionSyntax receiver)
    {
        string? name = receiver switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
            _ => null,
        };
        return name is not null && _children.Contains(name) ? name : null;
    }

    private bool IsOpsClass(ExpressionSyntax receiver)
    {
        var symbol = _model.GetSymbolInfo(receiver, _cancellationToken).Symbol;
        if (symbol is INamedTypeSymbol type)
        {
            return type.ToDisplayString() == "LayerGen.Ops";
        }

        return symbol is null && receiver is IdentifierNameSyntax { Identifier.ValueText: "Ops" };
    }

    private double? Constant(ExpressionSyntax syntax)
    {
        var constant = _model.GetConstantValue(syntax, _cancellationToken);
        return constant.HasValue ? constant.Value switch
        {
            int i => i,
            float f => f,
            double d => d,
            long l => l,
            _ => null,
        } : null;
    }

    private static char? OperatorOf(BinaryExpressionSyntax binary) => binary.Kind() switch
    {
        SyntaxKind.AddExpression => '+',
        SyntaxKind.SubtractExpression => '-',
        SyntaxKind.MultiplyExpression => '*',
        SyntaxKind.DivideExpression => '/',
        _ => null,
    };

    private Expr? Unsupported(SyntaxNode node, string why)
    {
        _diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.UnsupportedExpression,
            LocationInfo.From(node),
            ForwardParser.Shorten(node.ToString()),
            _layerName,
            why));
        return null;
    }
}
