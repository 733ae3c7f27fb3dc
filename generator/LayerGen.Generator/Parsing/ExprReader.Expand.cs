using System.Collections.Generic;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// <c>p.Expand(x.Size(0), -1)</c>, as a PyTorch user makes a parameter batch-shaped (<c>p.expand(x.size(0), -1)</c>) to
/// join it to the input. Its sizes are read as a fresh tensor's are: the batch (<c>x.Size(0)</c>, first), then constants
/// (-1 keeps a size) and sizes of the layer's parameters.
/// </summary>
internal sealed partial class ExprReader
{
    /// <summary>
    /// A <see cref="CallExpr"/> of <c>Expand</c>: operand 0 is the expanded tensor, operand 1 (when the first size is
    /// <c>x.Size(0)</c>) the tensor whose batch leads the result; the constants are the other sizes.
    /// </summary>
    private Expr? ReadExpand(InvocationExpressionSyntax invocation, ExpressionSyntax receiver, string text, LocationInfo? location)
    {
        var arguments = invocation.ArgumentList.Arguments;
        if (Read(receiver) is not { } source)
        {
            return null;
        }

        if (arguments.Count == 0)
        {
            return Unsupported(invocation, "Expand needs its sizes, e.g. p.Expand(x.Size(0), -1)");
        }

        var operands = new List<Expr> { source };
        var constants = new List<int>();
        var sizeArguments = new List<SizeArgument>();
        for (int i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i].Expression;
            if (argument is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Size" } sizeOf } read
                && read.ArgumentList.Arguments.Count == 1)
            {
                // x.Size(0): the batch, which leads every batched tensor; another axis of x is a size the layer knows by name.
                if (i != 0 || _model.GetConstantValue(read.ArgumentList.Arguments[0].Expression, _cancellationToken).Value is not 0)
                {
                    return Unsupported(argument, "Expand reads only the batch from a tensor, as its first size (x.Size(0)); its other sizes are -1, constants or the layer's sizes, and p.ExpandAs(x) takes the whole of x's shape");
                }

                if (Read(sizeOf.Expression) is not { } batchOf)
                {
                    return null;
                }

                operands.Add(batchOf);
                continue;
            }

            if (_model.GetTypeInfo(argument, _cancellationToken).Type?.SpecialType != SpecialType.System_Int32)
            {
                return Unsupported(argument, "Expand takes its sizes as ints (the batch as x.Size(0), then -1, constants or the layer's sizes)");
            }

            if (_model.GetConstantValue(argument, _cancellationToken) is { HasValue: true, Value: int constant })
            {
                constants.Add(constant);
                continue;
            }

            if (ReadSize(argument) is not { } size)
            {
                return null;
            }

            sizeArguments.Add(new SizeArgument(constants.Count, size, LocationInfo.From(argument)));
            constants.Add(0);
        }

        var expand = OpTable.Find(WrittenForm.TensorMethod, "Expand")[0];
        return new CallExpr(expand, operands.ToEquatableArray(), constants.ToEquatableArray(), text, location)
        {
            SizeArguments = sizeArguments.ToEquatableArray(),
        };
    }
}
