using LayerGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>Integer arguments that are sizes of the layer's parameters (<see cref="SizeReader"/>).</summary>
internal sealed partial class ExprReader
{
    /// <summary>What the inputs' declared shapes say <c>x.Size(-1)</c> is (<see cref="FeatureAxisSizes"/>); null: not read.</summary>
    public FeatureAxisSizes? FeatureSizes { get; init; }

    /// <summary>Whether <paramref name="argument"/> reads a feature axis of an input, <c>x.Size(-1)</c> (a size, not the batch).</summary>
    private bool IsFeatureAxisRead(ExpressionSyntax argument) =>
        FeatureSizes is not null && FeatureAxisSizes.IsSizeRead(argument, _model, _cancellationToken, out _, out int axis) && axis != 0;

    /// <summary>Why <paramref name="problem"/> is no size, when it reads a feature axis (<c>x.Size(-1)</c>) nothing fixes; else null.</summary>
    private string? FeatureAxisSizeProblem(SyntaxNode? problem)
    {
        if (FeatureSizes is null || problem is not ExpressionSyntax read || !FeatureAxisSizes.IsSizeRead(read, _model, _cancellationToken, out string input, out int axis) || axis == 0)
        {
            return null;
        }

        return FeatureSizes.Resolve(input, axis, read.ToString(), out string why) is null ? why : null;
    }

    /// <summary>
    /// True for an int expression of the size parameters (<c>n - 1</c>): an integer argument even where the call does not
    /// bind, as on a child's output (<c>gate.Call(x).Narrow(-1, 0, n - 1)</c>: the child's <c>Call</c> is generated, so the
    /// compilation the generator reads does not have it yet).
    /// </summary>
    private bool IsSizeTyped(ExpressionSyntax argument) =>
        _model.GetTypeInfo(argument, _cancellationToken).Type?.SpecialType == Microsoft.CodeAnalysis.SpecialType.System_Int32
        && SizeReader.Read(argument, _model, ConstructorParameters, _cancellationToken, out _, FeatureSizes) is not null;

    /// <summary>The size an integer argument computes, or null after reporting the part that cannot be one.</summary>
    private SizeExpr? ReadSize(ExpressionSyntax argument)
    {
        if (SizeReader.Read(argument, _model, ConstructorParameters, _cancellationToken, out var problem, FeatureSizes) is { } size)
        {
            return size;
        }

        if (FeatureAxisSizeProblem(problem) is { } why)
        {
            Unsupported(problem!, why);
            return null;
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
