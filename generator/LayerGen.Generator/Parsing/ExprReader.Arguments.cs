using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Generator.Parsing;

// How the arguments of a call of an op are read: each by the kind of the runtime method's parameter it binds to
// (a tensor, an integer such as an axis or a size, a number, a string), with the defaults of those left out.
internal sealed partial class ExprReader
{
    private enum ArgumentKind
    {
        Tensor,
        Integer,
        Number,
        String,
    }

    /// <summary>
    /// The call's arguments in parameter order (a <c>params</c> array expanded), each classified by the
    /// parameter it binds to; by its constant's type when the call does not bind (mid-typing). A parameter
    /// left at its default comes with no syntax and its default value.
    /// </summary>
    private IEnumerable<(ExpressionSyntax? Argument, ArgumentKind Kind, object? Default)> ClassifyArguments(InvocationExpressionSyntax invocation)
    {
        if (_model.GetOperation(invocation, _cancellationToken) is IInvocationOperation operation)
        {
            foreach (var argument in operation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? int.MaxValue))
            {
                var parameterType = argument.Parameter?.Type;
                if (argument.ArgumentKind == ArgumentKind_DefaultValue)
                {
                    if (argument.Value.ConstantValue is { HasValue: true } defaultValue)
                    {
                        yield return (null, KindOf(parameterType, null), defaultValue.Value);
                    }

                    continue;
                }

                if (argument.ArgumentKind == Microsoft.CodeAnalysis.Operations.ArgumentKind.ParamArray && argument.Value is IArrayCreationOperation { Initializer: { } initializer })
                {
                    var elementType = (parameterType as IArrayTypeSymbol)?.ElementType;
                    foreach (var element in initializer.ElementValues)
                    {
                        yield return ((ExpressionSyntax)element.Syntax, KindOf(elementType, (ExpressionSyntax)element.Syntax), null);
                    }

                    continue;
                }

                if (argument.Syntax is ArgumentSyntax syntax)
                {
                    yield return (syntax.Expression, KindOf(parameterType, syntax.Expression), null);
                }
            }

            yield break;
        }

        foreach (var argument in invocation.ArgumentList.Arguments)
        {
            yield return (argument.Expression, KindOf(null, argument.Expression), null);
        }
    }

    private const Microsoft.CodeAnalysis.Operations.ArgumentKind ArgumentKind_DefaultValue = Microsoft.CodeAnalysis.Operations.ArgumentKind.DefaultValue;

    private ArgumentKind KindOf(ITypeSymbol? parameterType, ExpressionSyntax? argument)
    {
        switch (parameterType?.SpecialType)
        {
            case SpecialType.System_Int32:
            case SpecialType.System_Boolean:
                return ArgumentKind.Integer;
            case SpecialType.System_Single:
            case SpecialType.System_Double:
                return ArgumentKind.Number;
            case SpecialType.System_String:
                return ArgumentKind.String;
        }

        if (parameterType is not null || argument is null)
        {
            return ArgumentKind.Tensor;
        }

        var constant = _model.GetConstantValue(argument, _cancellationToken);
        return constant.HasValue ? constant.Value switch
        {
            int or bool => ArgumentKind.Integer,
            string => ArgumentKind.String,
            _ => ArgumentKind.Number,
        } : IsSizeTyped(argument) ? ArgumentKind.Integer : ArgumentKind.Tensor;
    }
}
