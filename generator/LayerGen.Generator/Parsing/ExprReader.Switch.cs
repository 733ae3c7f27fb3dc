using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// A <c>switch</c> expression, <c>nonlinearity switch { Nonlinearity.Relu =&gt; Ops.Relu(h), Nonlinearity.Tanh =&gt; Ops.Tanh(h), _ =&gt; h }</c>:
/// read as the <c>?:</c> chain it means (<see cref="SwitchPatterns"/>), so on a hyperparameter every arm is built and the
/// kernels select one, and on a size only the arm matching its value is.
/// </summary>
internal sealed partial class ExprReader
{
    private Expr? ReadSwitch(SwitchExpressionSyntax switchExpression, string text, LocationInfo? location)
    {
        if (SwitchPatterns.For(switchExpression.GoverningExpression, _model, Environment!, ConstructorParameters, _cancellationToken) is not { } patterns)
        {
            return null;
        }

        var arms = switchExpression.Arms;

        // Every arm is read even after one fails, so each problem is reported in one build.
        var tests = new List<BoolExpr?>();
        var values = new List<Expr?>();
        foreach (var arm in arms)
        {
            tests.Add(patterns.Arm(arm.Pattern, arm.WhenClause));
            values.Add(Read(arm.Expression));
        }

        if (tests.Any(t => t is null) || values.Any(v => v is null))
        {
            return null;
        }

        // What no arm matches: the last arm when the arms cover every value as written, else an error where it is reached.
        int last = arms.Count - 1;
        Expr otherwise;
        if (last >= 0 && (tests[last] is BoolConstant { Value: true } || patterns.Covers(arms.Where(a => a.WhenClause is null).Select(a => a.Pattern))))
        {
            otherwise = values[last]!;
            last--;
        }
        else if (patterns.ReadsHyperparameter)
        {
            return Unsupported(
                switchExpression.GoverningExpression,
                $"no arm matches some values of '{patterns.Subject}', for which C# would throw when the layer runs; end the switch with '_ => ...'");
        }
        else
        {
            otherwise = new UnmatchedSwitchExpr(patterns.Subject, patterns.Integer, text, location);
        }

        for (int i = last; i >= 0; i--)
        {
            otherwise = new ConditionalExpr(tests[i]!, values[i]!, otherwise, LocationInfo.From(arms[i].Pattern), text, location);
        }

        return otherwise;
    }
}
