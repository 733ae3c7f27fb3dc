using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Tests.Infrastructure;

// Whether a capability check dominates a use inside its member: the then-branch of an if or ?: whose
// condition has the check as a conjunct, the else-branch of one false only when the check holds, or after
// an early exit on the negated check (the rule in IntrinsicGuardScanner.cs's remarks, item 2).
public static partial class IntrinsicGuardScanner
{
    /// <summary>Whether the check of <paramref name="capability"/> dominates <paramref name="node"/> within <paramref name="member"/>.</summary>
    private static bool IsGuarded(SemanticModel model, SyntaxNode node, string capability, SyntaxNode member)
    {
        bool Check(ExpressionSyntax e) => IsCheck(model, e, capability);
        SyntaxNode child = node;
        for (SyntaxNode? parent = node.Parent; parent is not null && child != member; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IfStatementSyntax s when s.Statement == child && Asserts(s.Condition, Check):
                case IfStatementSyntax { Else: { } } s2 when s2.Else == child && FalseOnlyIf(s2.Condition, Check):
                case ElseClauseSyntax e when e.Parent is IfStatementSyntax s3 && FalseOnlyIf(s3.Condition, Check):
                case ConditionalExpressionSyntax c when c.WhenTrue == child && Asserts(c.Condition, Check):
                case ConditionalExpressionSyntax c2 when c2.WhenFalse == child && FalseOnlyIf(c2.Condition, Check):
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression } conjunction when conjunction.Right == child && Asserts(conjunction.Left, Check):
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalOrExpression } disjunction when disjunction.Right == child && FalseOnlyIf(disjunction.Left, Check):
                    return true;
                case BlockSyntax block when child is StatementSyntax statement:
                    foreach (StatementSyntax earlier in block.Statements.TakeWhile(s => s != statement))
                    {
                        if (earlier is IfStatementSyntax { Else: null } exit && ExitsAlways(exit.Statement) && FalseOnlyIf(exit.Condition, Check))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>The capabilities whose checks dominate <paramref name="node"/> (for calls: any intrinsic class checked around them).</summary>
    private static IEnumerable<string> GuardsAround(SemanticModel model, SyntaxNode node, SyntaxNode member)
    {
        var checkedClasses = member.DescendantNodes().OfType<MemberAccessExpressionSyntax>()
            .Where(m => m.Name.Identifier.Text == "IsSupported")
            .Select(m => model.GetSymbolInfo(m).Symbol?.ContainingType)
            .OfType<INamedTypeSymbol>()
            .Where(t => t.ContainingNamespace.ToDisplayString() is "System.Runtime.Intrinsics.X86" or "System.Runtime.Intrinsics.Arm")
            .Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (INamedTypeSymbol guard in checkedClasses)
        {
            // The classes this check covers: itself and its bases, and for a nested class (AdvSimd.Arm64) its container and that one's bases.
            for (INamedTypeSymbol? outer = guard; outer is not null; outer = outer.ContainingType)
            {
                for (INamedTypeSymbol? covered = outer; covered is not null && covered.ContainingNamespace.ToDisplayString().StartsWith("System.Runtime.Intrinsics", StringComparison.Ordinal); covered = covered.BaseType)
                {
                    string capability = CapabilityName(covered);
                    if (IsGuarded(model, node, capability, member))
                    {
                        yield return capability;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="e"/> is the check of <paramref name="capability"/>: Vector512.IsHardwareAccelerated,
    /// or X.IsSupported where X is the intrinsic class, a class derived from it, or one nested in such a class.
    /// </summary>
    private static bool IsCheck(SemanticModel model, ExpressionSyntax e, string capability)
    {
        if (model.GetSymbolInfo(e).Symbol is not IPropertySymbol property)
        {
            return false;
        }

        if (capability == Vector512Capability)
        {
            return property.Name == "IsHardwareAccelerated" && IsVector512Static(property.ContainingType);
        }

        if (property.Name != "IsSupported")
        {
            return false;
        }

        for (INamedTypeSymbol? guard = property.ContainingType; guard is not null; guard = guard.ContainingType)
        {
            for (INamedTypeSymbol? t = guard; t is not null; t = t.BaseType)
            {
                if (CapabilityName(t) == capability)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="condition"/> being true implies the check: the check, or a conjunction with it.</summary>
    private static bool Asserts(ExpressionSyntax condition, Func<ExpressionSyntax, bool> check) => condition switch
    {
        ParenthesizedExpressionSyntax p => Asserts(p.Expression, check),
        BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression } conjunction => Asserts(conjunction.Left, check) || Asserts(conjunction.Right, check),
        _ => check(condition),
    };

    /// <summary>True when <paramref name="condition"/> being false implies the check: !check, or a disjunction with it.</summary>
    private static bool FalseOnlyIf(ExpressionSyntax condition, Func<ExpressionSyntax, bool> check) => condition switch
    {
        ParenthesizedExpressionSyntax p => FalseOnlyIf(p.Expression, check),
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } negation => Asserts(negation.Operand, check),
        BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalOrExpression } disjunction => FalseOnlyIf(disjunction.Left, check) || FalseOnlyIf(disjunction.Right, check),
        _ => false,
    };

    /// <summary>A statement that always leaves the enclosing block: return, throw, break, continue (or a block ending in one).</summary>
    private static bool ExitsAlways(StatementSyntax statement) => statement switch
    {
        ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax => true,
        ExpressionStatementSyntax { Expression: ThrowExpressionSyntax } => true,
        BlockSyntax { Statements.Count: > 0 } b => ExitsAlways(b.Statements[^1]),
        _ => false,
    };
}
