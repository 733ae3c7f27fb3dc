using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// What the names of a forward body stand for while it is read (<see cref="StatementReader"/>): tensor locals,
/// arrays of tensors and loop variables; and the reading of the integers its control flow computes with
/// (<see cref="IntExpr"/>). <see cref="ExprReader"/> asks it about names, <c>a[i]</c> and integer arguments before
/// its own rules, so an expression inside a loop reads the loop variable as a value and a local as its current one.
/// </summary>
internal sealed class ForwardEnvironment
{
    private readonly string _layerName;
    private readonly SemanticModel _model;
    private readonly ICollection<string> _constructorParameters;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly CancellationToken _cancellationToken;
    private readonly HashSet<string> _locals = new();
    private readonly Dictionary<string, IntExpr> _arrays = new();
    private readonly List<string> _loopVariables = new();

    public ForwardEnvironment(string layerName, SemanticModel model, ICollection<string> constructorParameters, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        _layerName = layerName;
        _diagnostics = diagnostics;
        _model = model;
        _constructorParameters = constructorParameters;
        _cancellationToken = cancellationToken;
    }

    public void DeclareLocal(string name) => _locals.Add(name);

    /// <summary>An array of tensors and its length (so <c>outs.Length</c> reads as that).</summary>
    public void DeclareArray(string name, IntExpr length) => _arrays[name] = length;

    public bool IsLocal(string name) => _locals.Contains(name);

    public bool IsArray(string name) => _arrays.ContainsKey(name);

    public bool IsLoopVariable(string name) => _loopVariables.Contains(name);

    /// <summary>False for a loss: it has no train/eval mode, so <c>Training</c> means nothing in its forward.</summary>
    public bool HasMode { get; init; } = true;

    /// <summary>Reads a call of a helper of the layer (<see cref="HelperInliner"/>); null when the call is not to one.</summary>
    public System.Func<InvocationExpressionSyntax, string, LocationInfo?, Claim?>? HelperReader { get; set; }

    /// <summary>
    /// The scope of a helper's body until the returned scope is disposed: its tensor parameters are locals, its int
    /// parameters integers (read as loop variables are). A method's body sees none of the forward's names; a local
    /// function's sees them, as C# lets it capture them.
    /// </summary>
    public System.IDisposable Helper(IEnumerable<string> tensorParameters, IEnumerable<string> intParameters, bool capturesEnclosing)
    {
        var locals = new HashSet<string>(_locals);
        var arrays = new Dictionary<string, IntExpr>(_arrays);
        var loopVariables = new List<string>(_loopVariables);
        if (!capturesEnclosing)
        {
            _locals.Clear();
            _arrays.Clear();
            _loopVariables.Clear();
        }

        foreach (string name in tensorParameters)
        {
            _arrays.Remove(name);
            _locals.Add(name);
        }

        foreach (string name in intParameters)
        {
            _locals.Remove(name);
            _loopVariables.Add(name);
        }

        return new Scope(() =>
        {
            _locals.Clear();
            _locals.UnionWith(locals);
            _arrays.Clear();
            foreach (var pair in arrays)
            {
                _arrays[pair.Key] = pair.Value;
            }

            _loopVariables.Clear();
            _loopVariables.AddRange(loopVariables);
        });
    }

    /// <summary>Makes <paramref name="name"/> a loop variable until the returned scope is disposed (the loop's end).</summary>
    public System.IDisposable Loop(string name)
    {
        _loopVariables.Add(name);
        return new Scope(() => _loopVariables.RemoveAt(_loopVariables.Count - 1));
    }

    /// <summary>A local (its current value) or an array (all its elements); null for other names.</summary>
    public Expr? ResolveName(string name, string text, LocationInfo? location) =>
        _arrays.ContainsKey(name) ? new ArrayExpr(name, text, location)
        : _locals.Contains(name) ? new NameExpr(name, NameKind.Local, text, location)
        : null;

    /// <summary>
    /// A number written with a loop variable (<c>h * t</c>'s <c>t</c>): claimed (with null after reporting why it
    /// cannot be read) when <paramref name="isScalar"/> and it reads one; null when it is not this reader's to read.
    /// </summary>
    public Claim? ReadLoopScalar(ExpressionSyntax syntax, string text, LocationInfo? location, bool isScalar)
    {
        if (!isScalar || !MentionsLoopVariable(syntax))
        {
            return null;
        }

        return new Claim(ReadLoopInteger(syntax) is { } value ? new IntValueExpr(value, text, location) : null);
    }

    /// <summary>An integer argument written with a loop variable, or null after reporting why it cannot be one.</summary>
    public IntExpr? ReadLoopInteger(ExpressionSyntax syntax) =>
        ReadInt(syntax, out var problem) ?? Report<IntExpr>(
            problem ?? syntax,
            "an integer computed from a loop variable may use constants, loop variables and the layer's int sizes with + - * / %");

    /// <summary><c>outs[i]</c>: an element of an array of tensors; null after reporting why it is not one.</summary>
    public Expr? ReadElement(ElementAccessExpressionSyntax element, string text, LocationInfo? location)
    {
        if (element.Expression is not IdentifierNameSyntax { Identifier.ValueText: var name } || !_arrays.ContainsKey(name))
        {
            return Report<Expr>(element, "only an array of tensors declared in the forward ('var outs = new Tensor[n];') can be indexed");
        }

        if (element.ArgumentList.Arguments.Count != 1)
        {
            return Report<Expr>(element.ArgumentList, "an array of tensors takes one index");
        }

        var index = element.ArgumentList.Arguments[0].Expression;
        return ReadInt(index, out var problem) is { } value
            ? new ElementExpr(name, value, text, location)
            : Report<Expr>(problem ?? index, "an index must be computed from constants, loop variables and the layer's int sizes");
    }

    /// <summary>Reports LG0003 on <paramref name="node"/> and returns null.</summary>
    public T? Report<T>(SyntaxNode node, string why)
        where T : class
    {
        ForwardParser.ReportUnsupported(_diagnostics, node, _layerName, why);
        return null;
    }

    /// <summary>True when <paramref name="syntax"/> reads a loop variable: then it is evaluated per iteration.</summary>
    public bool MentionsLoopVariable(ExpressionSyntax syntax) =>
        _loopVariables.Count > 0
        && syntax.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => _loopVariables.Contains(i.Identifier.ValueText));

    /// <summary>
    /// An integer written with constants, loop variables and the layer's <c>int</c> sizes, with <c>+ - * / %</c> and
    /// parentheses; or null with the part that is not one in <paramref name="problem"/>.
    /// </summary>
    public IntExpr? ReadInt(ExpressionSyntax syntax, out SyntaxNode? problem)
    {
        problem = null;
        var constant = _model.GetConstantValue(syntax, _cancellationToken);
        if (constant.HasValue)
        {
            if (constant.Value is int or long or short or byte)
            {
                return new IntConstant(System.Convert.ToInt64(constant.Value, System.Globalization.CultureInfo.InvariantCulture));
            }

            problem = syntax;
            return null;
        }

        switch (syntax)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return ReadInt(parenthesized.Expression, out problem);
            case CheckedExpressionSyntax @checked:
                return ReadInt(@checked.Expression, out problem);
            case IdentifierNameSyntax identifier when _loopVariables.Contains(identifier.Identifier.ValueText):
                return new IntName(identifier.Identifier.ValueText);
            case IdentifierNameSyntax identifier when IsSize(identifier):
                return new IntName(identifier.Identifier.ValueText);
            case MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax array, Name.Identifier.ValueText: "Length" }
                when _arrays.TryGetValue(array.Identifier.ValueText, out var length):
                return length;
            case PrefixUnaryExpressionSyntax unary when unary.IsKind(SyntaxKind.UnaryMinusExpression):
                return ReadInt(unary.Operand, out problem) is { } negated ? new IntBinary("-", new IntConstant(0), negated) : null;
            case PrefixUnaryExpressionSyntax unary when unary.IsKind(SyntaxKind.UnaryPlusExpression):
                return ReadInt(unary.Operand, out problem);
            case BinaryExpressionSyntax binary when binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression
                or SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression:
                var left = ReadInt(binary.Left, out problem);
                var right = left is null ? null : ReadInt(binary.Right, out problem);
                return right is null ? null : new IntBinary(binary.OperatorToken.ValueText, left!, right);
            default:
                problem = syntax;
                return null;
        }
    }

    /// <summary>
    /// A condition known at compile time: constants, comparisons of integers (<see cref="ReadInt"/>), <c>! &amp;&amp; ||</c>;
    /// or null with the part that is not one in <paramref name="problem"/> and why in <paramref name="why"/>.
    /// </summary>
    public BoolExpr? ReadBool(ExpressionSyntax syntax, out SyntaxNode? problem, out string? why)
    {
        problem = null;
        why = null;
        if (_model.GetConstantValue(syntax, _cancellationToken) is { HasValue: true, Value: bool constant })
        {
            return new BoolConstant(constant);
        }

        switch (syntax)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return ReadBool(parenthesized.Expression, out problem, out why);
            case PrefixUnaryExpressionSyntax unary when unary.IsKind(SyntaxKind.LogicalNotExpression):
                return ReadBool(unary.Operand, out problem, out why) is { } operand ? new BoolLogic("!", operand, null) : null;
            case BinaryExpressionSyntax logic when logic.Kind() is SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression:
                var first = ReadBool(logic.Left, out problem, out why);
                var second = first is null ? null : ReadBool(logic.Right, out problem, out why);
                return second is null ? null : new BoolLogic(logic.OperatorToken.ValueText, first!, second);
            case BinaryExpressionSyntax test when test.Kind() is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression
                && EnumHyperparameterTest(test) is { } enumTest:
                // Known when the layer is constructed: both branches are built and the kernels select (ForwardUnroller).
                return enumTest;
            case BinaryExpressionSyntax comparison when comparison.Kind() is SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression
                or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression or SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression:
                var left = ReadInt(comparison.Left, out problem);
                var right = left is null ? null : ReadInt(comparison.Right, out problem);
                if (right is null)
                {
                    why = "a condition resolved at compile time compares integers computed from constants, loop variables and the layer's int sizes";
                    return null;
                }

                return new IntComparison(comparison.OperatorToken.ValueText, left!, right);
            case IdentifierNameSyntax identifier
                when _model.GetSymbolInfo(identifier, _cancellationToken).Symbol is IParameterSymbol { Type.SpecialType: SpecialType.System_Boolean, ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } flag
                    && _constructorParameters.Contains(flag.Name):
                // Known when the layer is constructed: both branches are built and the kernels select (ForwardUnroller).
                return new BoolHyperparameter(flag.Name);
            case IdentifierNameSyntax { Identifier.ValueText: "Training" } when !HasMode && _model.GetSymbolInfo(syntax, _cancellationToken).Symbol is null:
                problem = syntax;
                why = "a loss has no train/eval mode ('Training' is a layer's); compute the loss the same way in both";
                return null;
            case IdentifierNameSyntax { Identifier.ValueText: "Training" } or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name.Identifier.ValueText: "Training" }
                when HasMode && _model.GetSymbolInfo(syntax, _cancellationToken).Symbol is null or IPropertySymbol { Name: "Training" }:
                // The generated property (absent while the layer generates): the mode, selected by the kernels as a hyperparameter is.
                return new BoolTraining();
            default:
                problem = syntax;
                why = "a condition is a constant, compares integers computed from constants, loop variables and the layer's int sizes, or reads a bool hyperparameter, compares an enum hyperparameter with a member, or reads the layer's 'Training' mode";
                return null;
        }
    }

    /// <summary>
    /// <c>hyperparameter == Member</c> or <c>!=</c> (either way round) for an enum hyperparameter and a constant of its
    /// type; null for any other comparison.
    /// </summary>
    private EnumHyperparameterTest? EnumHyperparameterTest(BinaryExpressionSyntax test)
    {
        foreach (var (name, member) in new[] { (test.Left, test.Right), (test.Right, test.Left) })
        {
            if (name is IdentifierNameSyntax identifier
                && _model.GetSymbolInfo(identifier, _cancellationToken).Symbol is IParameterSymbol { Type.TypeKind: TypeKind.Enum, ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } parameter
                && _constructorParameters.Contains(parameter.Name)
                && SymbolEqualityComparer.Default.Equals(_model.GetTypeInfo(member, _cancellationToken).Type, parameter.Type)
                && _model.GetConstantValue(member, _cancellationToken) is { HasValue: true, Value: { } value })
            {
                string enumType = parameter.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                string valueText = System.Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "0";
                return new EnumHyperparameterTest(parameter.Name, test.OperatorToken.ValueText, enumType, valueText, member.ToString());
            }
        }

        return null;
    }

    /// <summary>A primary-constructor <c>int</c> parameter: one of the layer's sizes.</summary>
    private bool IsSize(IdentifierNameSyntax identifier) =>
        _model.GetSymbolInfo(identifier, _cancellationToken).Symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } parameter
        && parameter.Type.SpecialType == SpecialType.System_Int32
        && _constructorParameters.Contains(parameter.Name);

    /// <summary>An expression this reader took charge of: its value, or null when it reported why it has none.</summary>
    public readonly struct Claim(Expr? value)
    {
        public Expr? Value { get; } = value;
    }

    private sealed class Scope(System.Action dispose) : System.IDisposable
    {
        public void Dispose() => dispose();
    }
}
