using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// A <c>Forward</c> that reassigns its own parameter (<c>x = Ops.Relu(x); x = x + bias; return x;</c>, or
/// <c>h = Ops.Tanh(h.MatMul(w))</c> in a loop): the parameter is treated as a local that starts as the input, so each
/// new value gets a name of its own when the body is unrolled (static single assignment), as any local's does.
/// </summary>
internal sealed partial class StatementReader
{
    /// <summary>
    /// For each parameter of the method around <paramref name="body"/> that the body assigns, a local of that name whose
    /// first value is the input, declared before every statement (so a loop that reassigns it carries it from one
    /// iteration to the next, and its uses before the first assignment still read the input).
    /// </summary>
    private void DeclareReassignedInputs(BlockSyntax body, List<ForwardStatement> into)
    {
        if (body.Parent is not BaseMethodDeclarationSyntax method || _model.GetDeclaredSymbol(method, _cancellationToken) is not IMethodSymbol forward)
        {
            return;
        }

        var seen = new HashSet<string>();
        foreach (var target in AssignedNames(body))
        {
            string name = target.Identifier.ValueText;
            if (seen.Contains(name)
                || _environment.IsLocal(name)
                || _model.GetSymbolInfo(target, _cancellationToken).Symbol is not IParameterSymbol parameter
                || !SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, forward))
            {
                continue;
            }

            seen.Add(name);
            if (_reader.Read(target) is NameExpr { Kind: NameKind.Input or NameKind.Target } input)
            {
                _environment.DeclareLocal(name);
                into.Add(new AssignStatement(name, input, LocationInfo.From(target)) { Declares = true });
            }
        }
    }

    /// <summary>The plain names the body assigns (<c>x = ...</c>, <c>x += ...</c>, <c>(x, h) = ...</c>), outside local functions and lambdas.</summary>
    private static IEnumerable<IdentifierNameSyntax> AssignedNames(BlockSyntax body)
    {
        foreach (var assignment in body.DescendantNodes(n => n is not (LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax)).OfType<AssignmentExpressionSyntax>())
        {
            switch (assignment.Left)
            {
                case IdentifierNameSyntax name:
                    yield return name;
                    break;
                case TupleExpressionSyntax tuple:
                    foreach (var element in tuple.Arguments.Select(a => a.Expression).OfType<IdentifierNameSyntax>())
                    {
                        yield return element;
                    }

                    break;
            }
        }
    }
}
