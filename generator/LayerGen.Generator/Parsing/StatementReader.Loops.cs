using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>The <c>for</c> loops of a forward body: an integer range with a step known at compile time.</summary>
internal sealed partial class StatementReader
{
    /// <summary><c>for (int t = a; t &lt; b; t++) body</c> (also <c>&lt;=</c>, <c>b &gt; t</c>, <c>++t</c>, <c>t += k</c>).</summary>
    private bool ReadFor(ForStatementSyntax loop, List<ForwardStatement> into)
    {
        if (loop.Declaration is not { Variables.Count: 1 } declaration || loop.Initializers.Count > 0
            || declaration.Variables[0].Initializer?.Value is not { } startSyntax
            || _model.GetTypeInfo(declaration.Type, _cancellationToken).Type?.SpecialType != SpecialType.System_Int32)
        {
            return Refuse(loop.Declaration as SyntaxNode ?? loop, "a loop unrolled at compile time declares one int variable: 'for (int t = 0; t < n; t++)'");
        }

        string variable = declaration.Variables[0].Identifier.ValueText;
        if (_environment.ReadInt(startSyntax, out var startProblem) is not { } start)
        {
            return Refuse(startProblem ?? startSyntax, "a loop's start must be computed from constants and the layer's int sizes");
        }

        if (Bound(loop.Condition, variable) is not { } bound)
        {
            return Refuse(loop.Condition as SyntaxNode ?? loop, $"a loop unrolled at compile time needs a bound: '{variable} < n' or '{variable} <= n', with n a constant or computed from the layer's int sizes");
        }

        if (_environment.ReadInt(bound.Syntax, out var boundProblem) is not { } end)
        {
            return Refuse(boundProblem ?? bound.Syntax, "a loop's bound must be a constant or computed from the layer's int sizes (known at compile time); a bound computed from tensor values would need a loop at run time");
        }

        if (Step(loop.Incrementors, variable) is not int step)
        {
            return Refuse(loop.Incrementors.Count > 0 ? loop.Incrementors[0] : loop, $"a loop unrolled at compile time counts up by a constant: '{variable}++' or '{variable} += k'");
        }

        var assigned = loop.Statement.DescendantNodesAndSelf().FirstOrDefault(n => AssignsTo(n, variable));
        if (assigned is not null)
        {
            return Refuse(assigned, "a loop variable is set by its 'for' header only; the loop is unrolled from it");
        }

        var body = new List<ForwardStatement>();
        using (_environment.Loop(variable))
        {
            if (!ReadAll(Statements(loop.Statement), body))
            {
                return false;
            }
        }

        if (bound.Inclusive)
        {
            end = new IntBinary("+", end, new IntConstant(1));
        }

        into.Add(new ForStatement(variable, start, end, step, body.ToEquatableArray(), LocationInfo.From(bound.Syntax), LocationInfo.From(loop)));
        return true;
    }

    private static (ExpressionSyntax Syntax, bool Inclusive)? Bound(ExpressionSyntax? condition, string variable)
    {
        static bool Is(ExpressionSyntax e, string name) => e is IdentifierNameSyntax { Identifier.ValueText: var n } && n == name;
        return condition switch
        {
            BinaryExpressionSyntax b when b.IsKind(SyntaxKind.LessThanExpression) && Is(b.Left, variable) => (b.Right, false),
            BinaryExpressionSyntax b when b.IsKind(SyntaxKind.LessThanOrEqualExpression) && Is(b.Left, variable) => (b.Right, true),
            BinaryExpressionSyntax b when b.IsKind(SyntaxKind.GreaterThanExpression) && Is(b.Right, variable) => (b.Left, false),
            BinaryExpressionSyntax b when b.IsKind(SyntaxKind.GreaterThanOrEqualExpression) && Is(b.Right, variable) => (b.Left, true),
            _ => null,
        };
    }

    private int? Step(SeparatedSyntaxList<ExpressionSyntax> incrementors, string variable)
    {
        if (incrementors.Count != 1)
        {
            return null;
        }

        return incrementors[0] switch
        {
            PostfixUnaryExpressionSyntax { Operand: IdentifierNameSyntax { Identifier.ValueText: var n } } p when n == variable && p.IsKind(SyntaxKind.PostIncrementExpression) => 1,
            PrefixUnaryExpressionSyntax { Operand: IdentifierNameSyntax { Identifier.ValueText: var n } } p when n == variable && p.IsKind(SyntaxKind.PreIncrementExpression) => 1,
            AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: var n } } a when n == variable && a.IsKind(SyntaxKind.AddAssignmentExpression)
                && _model.GetConstantValue(a.Right, _cancellationToken).Value is int k && k > 0 => k,
            _ => null,
        };
    }

    private static bool AssignsTo(SyntaxNode node, string variable)
    {
        static bool Is(ExpressionSyntax e, string name) => e is IdentifierNameSyntax { Identifier.ValueText: var n } && n == name;
        return node switch
        {
            AssignmentExpressionSyntax a => Is(a.Left, variable),
            PostfixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PostIncrementExpression) || p.IsKind(SyntaxKind.PostDecrementExpression) => Is(p.Operand, variable),
            PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => Is(p.Operand, variable),
            _ => false,
        };
    }
}
