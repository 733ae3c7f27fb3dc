using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Reads a scalar of a forward definition that depends on the layer's constructor parameters —
/// <c>1f / MathF.Sqrt(d)</c>, <c>dropout</c>, <c>(float)Math.Sqrt(d)</c> — into a <b>template</b>: the same C#, with
/// each constructor parameter written as a hole <c>{name}</c> (Building fills the holes with the kernel's names,
/// <see cref="Fill"/>). The kernels evaluate it with C#'s own rules, as the eager path does, so both agree.
/// </summary>
/// <remarks>
/// Allowed: constants, constructor parameters, <c>+ - * / %</c>, unary <c>-</c>/<c>+</c>, casts to a numeric type,
/// and calls of static <c>Math</c>/<c>MathF</c> methods (<c>Sqrt</c>, <c>Log</c>, <c>Exp</c>, <c>Pow</c>, …) on such
/// scalars. Anything else (a field, a property, a method of the layer) is not known to the kernels.
/// </remarks>
internal static class ScalarReader
{
    private static readonly Regex Hole = new(@"\{([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant);

    /// <summary>True for the types a scalar of a forward definition may have.</summary>
    public static bool IsNumeric(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Int64;

    /// <summary>The template of <paramref name="syntax"/>, or null with the reason in <paramref name="problem"/>.</summary>
    /// <param name="constructorParameters">The layer's primary-constructor parameters (sizes and hyperparameters).</param>
    public static string? Read(ExpressionSyntax syntax, SemanticModel model, ICollection<string> constructorParameters, CancellationToken cancellationToken, out SyntaxNode? problemNode, FeatureAxisSizes? features = null)
    {
        problemNode = null;
        var reader = new Reader(model, constructorParameters, cancellationToken) { Features = features };
        string? code = reader.Visit(syntax);
        problemNode = reader.Problem;
        return code;
    }

    /// <summary>The template with every hole replaced by <paramref name="name"/> of its parameter.</summary>
    public static string Fill(string template, System.Func<string, string> name) =>
        Hole.Replace(template, m => name(m.Groups[1].Value));

    /// <summary>A constant as a C# literal of its own type, so that the template computes as the source does.</summary>
    public static string? Literal(object? value) => value switch
    {
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        float f when float.IsNaN(f) => "float.NaN",
        float f when float.IsInfinity(f) => f > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity",
        float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
        double d when double.IsNaN(d) => "double.NaN",
        double d when double.IsInfinity(d) => d > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity",
        double d => d.ToString("R", CultureInfo.InvariantCulture) + "d",
        _ => null,
    };

    private sealed class Reader
    {
        private readonly SemanticModel _model;
        private readonly ICollection<string> _constructorParameters;
        private readonly CancellationToken _cancellationToken;

        public Reader(SemanticModel model, ICollection<string> constructorParameters, CancellationToken cancellationToken)
        {
            _model = model;
            _constructorParameters = constructorParameters;
            _cancellationToken = cancellationToken;
        }

        /// <summary>The inputs' declared feature sizes, for <c>x.Size(-1)</c>.</summary>
        public FeatureAxisSizes? Features { get; init; }

        /// <summary>The first sub-expression that could not be read.</summary>
        public SyntaxNode? Problem { get; private set; }

        public string? Visit(ExpressionSyntax syntax)
        {
            var constant = _model.GetConstantValue(syntax, _cancellationToken);
            if (constant.HasValue)
            {
                return Literal(constant.Value) ?? Fail(syntax);
            }

            switch (syntax)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    // Every compound part is written in parentheses already.
                    return Visit(parenthesized.Expression);
                case IdentifierNameSyntax identifier
                    when _model.GetSymbolInfo(identifier, _cancellationToken).Symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } parameter
                        && _constructorParameters.Contains(parameter.Name)
                        && IsNumeric(parameter.Type):
                    return "{" + parameter.Name + "}";
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Size" } size, ArgumentList.Arguments.Count: 1 } sizeCall
                    when _model.GetSymbolInfo(size.Expression, _cancellationToken).Symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { Name: "Forward" } } input
                        && input.Type.ToDisplayString() == "LayerGen.Tensor"
                        && _model.GetConstantValue(sizeCall.ArgumentList.Arguments[0].Expression, _cancellationToken) is { HasValue: true, Value: 0 }:
                    // x.Size(0), the batch: the kernels' rows (all the batch dimensions of an input, as '*' is).
                    return "rows";
                case InvocationExpressionSyntax sizeRead when Features is not null && FeatureAxisSizes.IsSizeRead(sizeRead, _model, _cancellationToken, out string input, out int axis) && axis != 0:
                    // x.Size(-1): the size of the layer the declared input gives that axis, as if written by name.
                    return Features.Resolve(input, axis, sizeRead.ToString(), out _, Model.LocationInfo.From(sizeRead)) is { } feature ? "(" + feature.CodeWith(n => "{" + n + "}") + ")" : Fail(sizeRead);
                case BinaryExpressionSyntax binary when binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression:
                    string? left = Visit(binary.Left);
                    string? right = left is null ? null : Visit(binary.Right);
                    return right is null ? null : $"({left} {binary.OperatorToken.ValueText} {right})";
                case PrefixUnaryExpressionSyntax unary when unary.Kind() is SyntaxKind.UnaryMinusExpression or SyntaxKind.UnaryPlusExpression:
                    return Visit(unary.Operand) is { } operand ? $"({unary.OperatorToken.ValueText}{operand})" : null;
                case CastExpressionSyntax cast when IsNumeric(_model.GetTypeInfo(cast.Type, _cancellationToken).Type):
                    var type = _model.GetTypeInfo(cast.Type, _cancellationToken).Type!;
                    return Visit(cast.Expression) is { } value ? $"(({Keyword(type)}){value})" : null;
                case InvocationExpressionSyntax invocation
                    when _model.GetSymbolInfo(invocation, _cancellationToken).Symbol is IMethodSymbol { IsStatic: true } method
                        && method.ContainingType.ToDisplayString() is "System.Math" or "System.MathF"
                        && IsNumeric(method.ReturnType):
                    var arguments = new List<string>();
                    foreach (var argument in invocation.ArgumentList.Arguments)
                    {
                        if (argument.NameColon is not null || Visit(argument.Expression) is not { } code)
                        {
                            return Problem is null ? Fail(argument) : null;
                        }

                        arguments.Add(code);
                    }

                    return $"global::{method.ContainingType.ToDisplayString()}.{method.Name}({string.Join(", ", arguments)})";
                default:
                    return Fail(syntax);
            }
        }

        private static string Keyword(ITypeSymbol type) => type.SpecialType switch
        {
            SpecialType.System_Int32 => "int",
            SpecialType.System_Int64 => "long",
            SpecialType.System_Single => "float",
            _ => "double",
        };

        private string? Fail(SyntaxNode node)
        {
            Problem ??= node;
            return null;
        }
    }
}
