using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Reads a parameter's shape from its initialiser: <c>Tensor.Randn(inUnits, units)</c>,
/// <c>Tensor.Zeros(8)</c>, <c>Tensor.Full(0.5f, units)</c>, and the <c>Init.*</c> factories.
/// Each size is an int constant or one of the layer's size parameters.
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
        if (initializer is not InvocationExpressionSyntax invocation
            || invocation.Expression is not MemberAccessExpressionSyntax access)
        {
            problem = "expected a call such as 'Tensor.Randn(inUnits, units)'";
            return null;
        }

        string factory = access.Name.Identifier.ValueText;
        var arguments = invocation.ArgumentList.Arguments;
        int first;
        if (ShapeOnlyFactories.Contains(factory))
        {
            first = 0;
        }
        else if (ValueThenShapeFactories.TryGetValue(factory, out int values))
        {
            first = values;
        }
        else
        {
            problem = $"'{factory}' is not a tensor factory LayerGen knows (use Tensor.Randn, Rand, Uniform, Zeros, Ones or Full)";
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

            problem = $"size '{argument}' is neither a constant nor one of the layer's size parameters";
            return null;
        }

        return shape;
    }
}
