using System.Threading;
using LayerGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Reads a size written in C# — an op's size argument (<c>x.Reshape(-1, steps, heads, d / heads)</c>), a
/// parameter initialiser's shape (<c>Tensor.Randn(numInputs + numHiddens, numHiddens)</c>) — into a
/// <see cref="SizeExpr"/> over the layer's <c>int</c> primary-constructor parameters, in their own names.
/// </summary>
/// <remarks>
/// Allowed: <c>int</c> constants (literals, <c>const</c>s, constant expressions), the layer's <c>int</c>
/// primary-constructor parameters, <c>+ - * / %</c>, unary <c>-</c>/<c>+</c> and parentheses: what a kernel can
/// compute from its sizes, by C#'s rules, as the eager path does.
/// </remarks>
internal static class SizeReader
{
    /// <summary>The size, or null with the first part that cannot be one in <paramref name="problem"/>.</summary>
    /// <param name="sizes">The layer's size parameters (its <c>int</c> primary-constructor parameters).</param>
    public static SizeExpr? Read(ExpressionSyntax syntax, SemanticModel model, System.Collections.Generic.ICollection<string> sizes, CancellationToken cancellationToken, out SyntaxNode? problem, FeatureAxisSizes? features = null)
    {
        problem = null;
        var constant = model.GetConstantValue(syntax, cancellationToken);
        if (constant.HasValue)
        {
            if (constant.Value is int value)
            {
                return SizeExpr.Constant(value);
            }

            problem = syntax;
            return null;
        }

        switch (syntax)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Read(parenthesized.Expression, model, sizes, cancellationToken, out problem, features);
            case IdentifierNameSyntax identifier
                when model.GetSymbolInfo(identifier, cancellationToken).Symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor }, Type.SpecialType: SpecialType.System_Int32 } parameter
                    && sizes.Contains(parameter.Name):
                return SizeExpr.Symbol(parameter.Name);
            case PrefixUnaryExpressionSyntax unary when unary.Kind() is SyntaxKind.UnaryMinusExpression or SyntaxKind.UnaryPlusExpression:
                var operand = Read(unary.Operand, model, sizes, cancellationToken, out problem, features);
                return operand is null ? null : unary.Kind() == SyntaxKind.UnaryMinusExpression ? -operand : operand;
            case BinaryExpressionSyntax binary when binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression:
                var left = Read(binary.Left, model, sizes, cancellationToken, out problem, features);
                var right = left is null ? null : Read(binary.Right, model, sizes, cancellationToken, out problem, features);
                if (left is null || right is null)
                {
                    return null;
                }

                if (binary.Kind() is SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression && right.IsConstant && right.ConstantValue == 0)
                {
                    problem = binary.Right;
                    return null;
                }

                return binary.Kind() switch
                {
                    SyntaxKind.AddExpression => left + right,
                    SyntaxKind.SubtractExpression => left - right,
                    SyntaxKind.MultiplyExpression => left * right,
                    SyntaxKind.DivideExpression => SizeExpr.Divide(left, right),
                    _ => SizeExpr.Remainder(left, right),
                };
            case InvocationExpressionSyntax when features is not null && FeatureAxisSizes.IsSizeRead(syntax, model, cancellationToken, out string input, out int axis) && axis != 0:
                // x.Size(-1): the size the declared input shape gives that axis (FeatureAxisSizes).
                var feature = features.Resolve(input, axis, syntax.ToString(), out _, Model.LocationInfo.From(syntax));
                problem = feature is null ? syntax : null;
                return feature;
            default:
                problem = syntax;
                return null;
        }
    }

    /// <summary>What a size may be made of, for diagnostics.</summary>
    public const string Allowed = "a size must be an int constant, one of the layer's int primary-constructor parameters, or computed from them with + - * / % and parentheses";
}
