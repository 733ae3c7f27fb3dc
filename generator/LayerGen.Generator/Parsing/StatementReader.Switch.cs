using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// A <c>switch</c> statement, <c>switch (nonlinearity) { case Nonlinearity.Relu: return Ops.Relu(h); default: return h; }</c>:
/// read as the <c>if</c>/<c>else if</c> chain it means (<see cref="SwitchPatterns"/>), the <c>default</c> section last. A
/// section ends with <c>break;</c> (dropped) or a <c>return</c>; when no section matches, none runs, as in C#.
/// </summary>
internal sealed partial class StatementReader
{
    private bool ReadSwitch(SwitchStatementSyntax switchStatement, List<ForwardStatement> into)
    {
        if (SwitchPatterns.For(switchStatement.Expression, _model, _environment, _reader.ConstructorParameters, _cancellationToken) is not { } patterns)
        {
            return false;
        }

        // Every section is read even after one fails, so each problem is reported in one build.
        bool read = true;
        var sections = new List<(BoolExpr Test, SyntaxNode Label, List<ForwardStatement> Body)>();
        List<ForwardStatement>? otherwise = null;
        foreach (var section in switchStatement.Sections)
        {
            BoolExpr? test = null;
            bool isDefault = false;
            foreach (var label in section.Labels)
            {
                var labelTest = label switch
                {
                    DefaultSwitchLabelSyntax => null,
                    CaseSwitchLabelSyntax constant => patterns.Case(constant.Value),
                    CasePatternSwitchLabelSyntax pattern => patterns.Arm(pattern.Pattern, pattern.WhenClause),
                    _ => null,
                };
                if (label is DefaultSwitchLabelSyntax || (label is CasePatternSwitchLabelSyntax { Pattern: var p, WhenClause: null } && SwitchPatterns.MatchesAll(p)))
                {
                    isDefault = true;
                }
                else if (labelTest is null)
                {
                    read = false;
                }
                else
                {
                    test = test is null ? labelTest : new BoolLogic("||", test, labelTest);
                }
            }

            var body = new List<ForwardStatement>();
            read &= ReadSection(section, body);
            if (isDefault)
            {
                otherwise = body;
            }
            else if (test is not null)
            {
                sections.Add((test, (SyntaxNode?)section.Labels.FirstOrDefault() ?? section, body));
            }
        }

        if (!read)
        {
            return false;
        }

        var chain = otherwise ?? new List<ForwardStatement>();
        for (int i = sections.Count - 1; i >= 0; i--)
        {
            var (test, label, body) = sections[i];
            chain = new List<ForwardStatement>
            {
                new IfStatement(test, body.ToEquatableArray(), chain.ToEquatableArray(), LocationInfo.From(label), LocationInfo.From(switchStatement)),
            };
        }

        into.AddRange(chain);
        return true;
    }

    /// <summary>A section's statements, its closing <c>break;</c> dropped; a <c>break</c> anywhere else is refused.</summary>
    private bool ReadSection(SwitchSectionSyntax section, List<ForwardStatement> into)
    {
        var statements = section.Statements.Count == 1 && section.Statements[0] is BlockSyntax block ? block.Statements : section.Statements;
        var kept = statements.LastOrDefault() is BreakStatementSyntax ? statements.Take(statements.Count - 1).ToList() : statements.ToList();
        var stray = kept.SelectMany(s => s.DescendantNodesAndSelf(n => n is not (LocalFunctionStatementSyntax or ForStatementSyntax))).OfType<BreakStatementSyntax>().FirstOrDefault();
        if (stray is not null)
        {
            return Refuse(stray, "a switch section ends with 'break;' or a return; a 'break' elsewhere in it would need control flow LayerGen does not resolve: use 'if'/'else' inside the section");
        }

        return ReadAll(kept, into);
    }
}
