using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Reads a parameter's shape from its initialiser: any static method returning a tensor whose last
/// parameter is <c>params int[] shape</c> (<c>Tensor.Randn(inUnits, units)</c>, <c>Tensor.Full(0.5f, units)</c>,
/// <c>Init.KaimingUniform(inUnits, units)</c>, a user's own factory). Each size is an int constant, one of the
/// layer's size parameters, or computed from them (<c>Tensor.Randn(numInputs + numHiddens, numHiddens)</c>,
/// <see cref="SizeReader"/>). While the code does not bind (mid-typing), the known
/// <c>Tensor</c> factories are recognised by name.
/// </summary>
internal static class ParameterShapeReader
{
    /// <summary>Factories whose arguments are all sizes.</summary>
    private static readonly HashSet<string> ShapeOnlyFactories = new() { "Randn", "Rand", "Zeros", "Ones", "Empty" };

    /// <summary>Factories whose first arguments are values (how many) and the rest sizes.</summary>
    private static readonly Dictionary<string, int> ValueThenShapeFactories = new() { ["Full"] = 1, ["Uniform"] = 2 };

    public static List<SizeRef>? Read(ExpressionSyntax initializer, SemanticModel model, List<string> sizes, out string? problem)
    {
        problem = null;

        // D2L's 'torch.randn(n, m) * 0.01': arithmetic with a scalar keeps the factory's shape, so read the tensor side.
        if (TensorSideOfScalarArithmetic(initializer, model) is { } tensor)
        {
            return Read(tensor, model, sizes, out problem);
        }

        if (model.GetOperation(initializer) is IInvocationOperation { TargetMethod: { IsStatic: true } method } invocation
            && method.ReturnType.ToDisplayString() == "LayerGen.Tensor"
            && method.Parameters.LastOrDefault() is { IsParams: true, Type: IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Int32 } } shapeParameter)
        {
            return ReadShapeArgument(invocation, shapeParameter, model, sizes, out problem);
        }

        return ReadByName(initializer, model, sizes, out problem);
    }

    /// <summary>
    /// For <c>(factory) * 0.01f</c>, <c>0.5f * factory</c>, <c>factory / scale</c>, <c>factory + 1f</c>, <c>-factory</c>: the
    /// tensor operand, whose shape the result has (a scalar broadcasts); null for anything else.
    /// </summary>
    private static ExpressionSyntax? TensorSideOfScalarArithmetic(ExpressionSyntax initializer, SemanticModel model)
    {
        bool IsTensor(ExpressionSyntax e) => model.GetTypeInfo(e).Type?.ToDisplayString() == "LayerGen.Tensor";
        bool IsScalar(ExpressionSyntax e) => ScalarReader.IsNumeric(model.GetTypeInfo(e).Type);
        return initializer switch
        {
            ParenthesizedExpressionSyntax parenthesized => parenthesized.Expression,
            PrefixUnaryExpressionSyntax { RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.UnaryMinusExpression } negated when IsTensor(negated.Operand) => negated.Operand,
            BinaryExpressionSyntax binary when IsTensor(binary.Left) && IsScalar(binary.Right) => binary.Left,
            BinaryExpressionSyntax binary when IsScalar(binary.Left) && IsTensor(binary.Right) => binary.Right,
            _ => null,
        };
    }

    private static List<SizeRef>? ReadShapeArgument(IInvocationOperation invocation, IParameterSymbol shapeParameter, SemanticModel model, List<string> sizes, out string? problem)
    {
        problem = null;
        var argument = invocation.Arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Parameter, shapeParameter));
        if (argument?.Value is not IArrayCreationOperation { Initializer: { } initializer })
        {
            problem = "the shape must be written as sizes, e.g. 'Tensor.Randn(inUnits, units)'";
            return null;
        }

        var shape = new List<SizeRef>();
        foreach (var element in initializer.ElementValues)
        {
            var value = element is IConversionOperation conversion ? conversion.Operand : element;
            if (value.ConstantValue is { HasValue: true, Value: int constant })
            {
                shape.Add(new SizeRef(constant, null));
            }
            else if (value is IParameterReferenceOperation reference && sizes.Contains(reference.Parameter.Name))
            {
                shape.Add(new SizeRef(0, reference.Parameter.Name));
            }
            else if (value.Syntax is ExpressionSyntax syntax && Size(syntax, model, sizes, out problem) is { } size)
            {
                shape.Add(size);
            }
            else
            {
                return null;
            }
        }

        return shape;
    }

    private static List<SizeRef>? ReadByName(ExpressionSyntax initializer, SemanticModel model, List<string> sizes, out string? problem)
    {
        problem = null;
        if (initializer is not InvocationExpressionSyntax invocation
            || invocation.Expression is not MemberAccessExpressionSyntax access)
        {
            problem = "expected a call such as 'Tensor.Randn(inUnits, units)'";
            return null;
        }

        string factory = access.Name.Identifier.ValueText;
        var arguments = invocation.ArgumentList.Arguments;
        int first;
        // Tensor.Arange(n) (the positions of a mask, [n]) is the one factory whose single argument is its size.
        if (ShapeOnlyFactories.Contains(factory) || (factory == "Arange" && arguments.Count == 1))
        {
            first = 0;
        }
        else if (ValueThenShapeFactories.TryGetValue(factory, out int values))
        {
            first = values;
        }
        else
        {
            problem = $"'{factory}' is not a tensor factory LayerGen knows (use a factory whose last parameter is 'params int[] shape', such as Tensor.Randn or Init.KaimingUniform)";
            return null;
        }

        var shape = new List<SizeRef>();
        for (int i = first; i < arguments.Count; i++)
        {
            var argument = arguments[i].Expression;
            var constant = model.GetConstantValue(argument);
            if (constant.HasValue && constant.Value is int value)
            {
                shape.Add(new SizeRef(value, null));
                continue;
            }

            if (argument is IdentifierNameSyntax identifier && sizes.Contains(identifier.Identifier.ValueText))
            {
                shape.Add(new SizeRef(0, identifier.Identifier.ValueText));
                continue;
            }

            if (Size(argument, model, sizes, out problem) is not { } size)
            {
                return null;
            }

            shape.Add(size);
        }

        return shape;
    }

    /// <summary>A size computed from the size parameters (<c>numInputs + numHiddens</c>), or null with why not.</summary>
    private static SizeRef? Size(ExpressionSyntax syntax, SemanticModel model, List<string> sizes, out string? problem)
    {
        problem = null;
        var size = SizeReader.Read(syntax, model, sizes, default, out _);
        if (size is null)
        {
            problem = syntax is IdentifierNameSyntax
                ? $"size '{syntax}' is neither a constant nor one of the layer's size parameters"
                : $"size '{syntax}' is not computed from constants and the layer's size parameters with + - * / %";
            return null;
        }

        if (size.IsConstant && size.ConstantValue <= 0)
        {
            problem = $"size '{syntax}' is {size.ConstantValue}; a parameter's sizes must be positive";
            return null;
        }

        return SizeRef.From(size);
    }
}
