using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// The arms of a <c>switch</c> in a forward — an expression (<c>nonlinearity switch { Nonlinearity.Relu =&gt; ..., _ =&gt; h }</c>)
/// or a statement (<c>case Nonlinearity.Relu: return ...;</c>) — as the conditions of an <c>if</c>/<c>else if</c> chain, each
/// arm's pattern a <see cref="BoolExpr"/> on what is switched on: an enum or bool hyperparameter (both arms built, selected
/// when the kernels run, as an <c>if</c> on it is), <c>Training</c>, or an integer of constants, loop variables and the
/// layer's sizes (decided at compile time, only the arm taken built).
/// </summary>
internal sealed class SwitchPatterns
{
    private readonly SemanticModel _model;
    private readonly ForwardEnvironment _environment;
    private readonly ICollection<string> _constructorParameters;
    private readonly CancellationToken _cancellationToken;

    // What is switched on: one of these is set.
    private IParameterSymbol? _enum;
    private BoolExpr? _bool;
    private IntExpr? _int;

    private SwitchPatterns(SemanticModel model, ForwardEnvironment environment, ICollection<string> constructorParameters, CancellationToken cancellationToken)
    {
        _model = model;
        _environment = environment;
        _constructorParameters = constructorParameters;
        _cancellationToken = cancellationToken;
    }

    /// <summary>True when what is switched on reads a hyperparameter (or Training): its arms are selected at run time.</summary>
    public bool ReadsHyperparameter => _enum is not null || _bool?.ReadsHyperparameter == true;

    /// <summary>What is switched on, for messages.</summary>
    public string Subject { get; private set; } = string.Empty;

    /// <summary>An integer switched on (its value names the arm no pattern matched); null for an enum or a bool.</summary>
    public IntExpr? Integer => _int;

    /// <summary>The patterns of a switch on <paramref name="subject"/>, or null after reporting why it cannot be switched on.</summary>
    public static SwitchPatterns? For(ExpressionSyntax subject, SemanticModel model, ForwardEnvironment environment, ICollection<string> constructorParameters, CancellationToken cancellationToken)
    {
        var patterns = new SwitchPatterns(model, environment, constructorParameters, cancellationToken) { Subject = ForwardParser.Shorten(subject.ToString()) };
        var inner = subject is ParenthesizedExpressionSyntax parenthesized ? parenthesized.Expression : subject;
        var type = model.GetTypeInfo(inner, cancellationToken).Type;
        if (inner is IdentifierNameSyntax
            && model.GetSymbolInfo(inner, cancellationToken).Symbol is IParameterSymbol { Type.TypeKind: TypeKind.Enum, ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } parameter
            && constructorParameters.Contains(parameter.Name))
        {
            patterns._enum = parameter;
            return patterns;
        }

        if (type?.SpecialType == SpecialType.System_Boolean)
        {
            patterns._bool = environment.ReadBool(inner, out var problem, out string? why);
            return patterns._bool is null ? environment.Report<SwitchPatterns>(problem ?? inner, why ?? "what a switch chooses by must be known when the layer is constructed") : patterns;
        }

        patterns._int = environment.ReadInt(inner, out var notInt);
        return patterns._int is not null
            ? patterns
            : environment.Report<SwitchPatterns>(
                notInt ?? inner,
                "a switch in a forward chooses by an enum or bool hyperparameter, 'Training', or an integer computed from constants, loop variables and the layer's int sizes");
    }

    /// <summary>True for an arm every value matches: <c>_</c>, <c>var _</c>, <c>default:</c>.</summary>
    public static bool MatchesAll(PatternSyntax pattern) =>
        pattern is DiscardPatternSyntax or VarPatternSyntax { Designation: DiscardDesignationSyntax };

    /// <summary>An arm's condition: its pattern, and its <c>when</c> clause if any; null after reporting why it cannot be read.</summary>
    public BoolExpr? Arm(PatternSyntax pattern, WhenClauseSyntax? when)
    {
        var test = Test(pattern);
        if (test is null || when is null)
        {
            return test;
        }

        if (_environment.ReadBool(when.Condition, out var problem, out string? why) is not { } guard)
        {
            return _environment.Report<BoolExpr>(problem ?? when.Condition, why ?? "an arm's 'when' condition must be known when the layer is constructed");
        }

        return new BoolLogic("&&", test, guard);
    }

    /// <summary>A <c>case X:</c> label's constant, as a pattern.</summary>
    public BoolExpr? Case(ExpressionSyntax value) => Constant(value);

    /// <summary>
    /// True when the arms matched without a <c>when</c> (<paramref name="unguarded"/>) cover every value the switch can meet as
    /// written: <c>true</c> and <c>false</c> of a bool, every named member of an enum. Then the last arm needs no test (an
    /// unnamed enum value, which C# would throw on, takes it).
    /// </summary>
    public bool Covers(IEnumerable<PatternSyntax> unguarded)
    {
        var values = new HashSet<object>();
        foreach (var pattern in unguarded)
        {
            Collect(pattern, values);
        }

        if (_bool is not null)
        {
            return values.Contains(true) && values.Contains(false);
        }

        return _enum?.Type is INamedTypeSymbol { EnumUnderlyingType: not null } type
            && type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).All(f => values.Contains(System.Convert.ToInt64(f.ConstantValue, CultureInfo.InvariantCulture)));
    }

    private void Collect(PatternSyntax pattern, HashSet<object> values)
    {
        switch (pattern)
        {
            case ConstantPatternSyntax constant when _model.GetConstantValue(constant.Expression, _cancellationToken) is { HasValue: true, Value: { } value }:
                values.Add(value is bool flag ? flag : System.Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ParenthesizedPatternSyntax parenthesized:
                Collect(parenthesized.Pattern, values);
                break;
            case BinaryPatternSyntax { OperatorToken.ValueText: "or" } either:
                Collect(either.Left, values);
                Collect(either.Right, values);
                break;
        }
    }

    private BoolExpr? Test(PatternSyntax pattern)
    {
        switch (pattern)
        {
            case var _ when MatchesAll(pattern):
                return new BoolConstant(true);
            case ConstantPatternSyntax constant:
                return Constant(constant.Expression);
            case ParenthesizedPatternSyntax parenthesized:
                return Test(parenthesized.Pattern);
            case UnaryPatternSyntax { OperatorToken.ValueText: "not" } negated:
                return Test(negated.Pattern) is { } operand ? new BoolLogic("!", operand, null) : null;
            case BinaryPatternSyntax binary:
                var left = Test(binary.Left);
                var right = left is null ? null : Test(binary.Right);
                return right is null ? null : new BoolLogic(binary.OperatorToken.ValueText == "or" ? "||" : "&&", left!, right);
            case RelationalPatternSyntax relational when _int is not null:
                return _environment.ReadInt(relational.Expression, out var problem) is { } bound
                    ? new IntComparison(relational.OperatorToken.ValueText, _int, bound)
                    : _environment.Report<BoolExpr>(problem ?? relational.Expression, "a relational pattern compares with an integer computed from constants and the layer's int sizes");
            default:
                return _environment.Report<BoolExpr>(
                    pattern,
                    "an arm of a switch in a forward matches constants ('Nonlinearity.Relu', 'true', '1'), '_', relational patterns on an integer ('< 4'), or these joined with 'and', 'or', 'not'");
        }
    }

    /// <summary>What is switched on equals the constant <paramref name="value"/>.</summary>
    private BoolExpr? Constant(ExpressionSyntax value)
    {
        if (_enum is not null)
        {
            if (SymbolEqualityComparer.Default.Equals(_model.GetTypeInfo(value, _cancellationToken).Type, _enum.Type)
                && _model.GetConstantValue(value, _cancellationToken) is { HasValue: true, Value: { } member })
            {
                string enumType = _enum.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                string valueText = System.Convert.ToString(member, CultureInfo.InvariantCulture) ?? "0";
                return new EnumHyperparameterTest(_enum.Name, "==", enumType, valueText, value.ToString());
            }

            return _environment.Report<BoolExpr>(value, $"an arm of a switch on '{_enum.Name}' matches a member of {_enum.Type.Name}");
        }

        if (_bool is not null)
        {
            return _model.GetConstantValue(value, _cancellationToken) is { HasValue: true, Value: bool flag }
                ? (flag ? _bool : new BoolLogic("!", _bool, null))
                : _environment.Report<BoolExpr>(value, "an arm of a switch on a bool matches 'true' or 'false'");
        }

        return _environment.ReadInt(value, out var problem) is { } integer
            ? new IntComparison("==", _int!, integer)
            : _environment.Report<BoolExpr>(problem ?? value, "an arm of a switch on an integer matches an integer computed from constants and the layer's int sizes");
    }
}

/// <summary>
/// What a switch on an integer known at compile time gives when no arm matches: reported where it is reached
/// (C# would throw a SwitchExpressionException), on the switch.
/// </summary>
internal sealed record UnmatchedSwitchExpr(string Subject, IntExpr? Value, string Text, LocationInfo? Location) : Expr(Text, Location);
