using LayerGen.Generator.Ir;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>Integer arguments that are sizes of the layer's parameters (<see cref="SizeReader"/>).</summary>
internal sealed partial class ExprReader
{
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
