using LayerGen.Generator.Ir;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>Integer arguments that are sizes of the layer's parameters (<see cref="SizeReader"/>).</summary>
internal sealed partial class ExprReader
{
    /// <summary>
    /// True for an int expression of the size parameters (<c>n - 1</c>): an integer argument even where the call does not
    /// bind, as on a child's output (<c>gate.Call(x).Narrow(-1, 0, n - 1)</c>: the child's <c>Call</c> is generated, so the
    /// compilation the generator reads does not have it yet).
    /// </summary>
    private bool IsSizeTyped(ExpressionSyntax argument) =>
        _model.GetTypeInfo(argument, _cancellationToken).Type?.SpecialType == Microsoft.CodeAnalysis.SpecialType.System_Int32
        && SizeReader.Read(argument, _model, ConstructorParameters, _cancellationToken, out _) is not null;

    /// <summary>The size an integer argument computes, or null after reporting the part that cannot be one.</summary>
    private SizeExpr? ReadSize(ExpressionSyntax argument)
    {
        if (SizeReader.Read(argument, _model, ConstructorParameters, _cancellationToken, out var problem) is { } size)
        {
            return size;
        }

        if (problem is null || problem == argument)
        {
            Unsupported(argument, "this argument must be a compile-time constant (an axis, a size, a flag, an exponent or an equation)");
        }
        else
        {
            Unsupported(problem, SizeReader.Allowed);
        }

        return null;
    }
}
