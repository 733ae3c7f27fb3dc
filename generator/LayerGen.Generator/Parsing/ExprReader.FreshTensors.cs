using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Fresh tensors in a forward, as a PyTorch user makes an RNN's initial state: <c>Tensor.Zeros(x.Size(0), numHiddens)</c>,
/// <c>Tensor.Ones(...)</c>. The sizes are the batch (<c>x.Size(0)</c>, first) and sizes of the layer's parameters; the
/// kernels fill a workspace buffer, never allocate.
/// </summary>
internal sealed partial class ExprReader
{
    private bool IsTensorClass(ExpressionSyntax receiver)
    {
        var symbol = _model.GetSymbolInfo(receiver, _cancellationToken).Symbol;
        if (symbol is INamedTypeSymbol type)
        {
            return type.ToDisplayString() == "LayerGen.Tensor";
        }

        return symbol is null && receiver is IdentifierNameSyntax { Identifier.ValueText: "Tensor" };
    }

    /// <summary>
    /// <c>Tensor.Zeros(x.Size(0), n)</c> as a <see cref="CallExpr"/> of <see cref="OpTable.FreshZeros"/> (or Ones): its
    /// operand is the tensor whose batch it takes (none without <c>x.Size(0)</c>), its constants the other sizes.
    /// </summary>
    private Expr? ReadFreshTensor(InvocationExpressionSyntax invocation, string name, string text, LocationInfo? location)
    {
        var arguments = invocation.ArgumentList.Arguments;
        if (arguments.Count == 0)
        {
            return Unsupported(invocation, $"Tensor.{name} in a forward needs its sizes, e.g. Tensor.{name}(x.Size(0), numHiddens)");
        }

        var operands = new List<Expr>();
        var constants = new List<int>();
        var sizeArguments = new List<SizeArgument>();
        for (int i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i].Expression;
            if (argument is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Size" } sizeOf } read
                && read.ArgumentList.Arguments.Count == 1
                && !IsFeatureAxisRead(argument))
            {
                // x.Size(0): the batch, which leads every batched tensor; another axis of x is a size the layer knows by name.
                if (i != 0 || _model.GetConstantValue(read.ArgumentList.Arguments[0].Expression, _cancellationToken).Value is not 0)
                {
                    return Unsupported(argument, $"a fresh tensor reads only the batch from a tensor, as its first size (x.Size(0)); its other sizes are constants or the layer's sizes, e.g. Tensor.{name}(x.Size(0), numHiddens)");
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
                return Unsupported(argument, $"Tensor.{name} in a forward takes its sizes as ints (the batch as x.Size(0), then constants or the layer's sizes)");
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

        return new CallExpr(name == "Ones" ? OpTable.FreshOnes : OpTable.FreshZeros, operands.ToEquatableArray(), constants.ToEquatableArray(), text, location)
        {
            SizeArguments = sizeArguments.ToEquatableArray(),
        };
    }
}
