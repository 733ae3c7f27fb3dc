using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Generator.Parsing;

/// <summary>Reads one C# expression of a forward definition into an <see cref="Expr"/>.</summary>
internal sealed partial class ExprReader
{
    private readonly string _layerName;
    private readonly string _inputName;
    private readonly SemanticModel _model;
    private readonly HashSet<string> _parameters;
    private readonly HashSet<string> _children;
    private readonly HashSet<string> _locals = new();
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly CancellationToken _cancellationToken;

    public ExprReader(string layerName, string inputName, SemanticModel model, HashSet<string> parameters, HashSet<string> children, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        _children = children;
        _layerName = layerName;
        _inputName = inputName;
        _model = model;
        _parameters = parameters;
        _diagnostics = diagnostics;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The layer's primary-constructor parameters (sizes and hyperparameters), which scalars may use.</summary>
    public ICollection<string> ConstructorParameters { get; init; } = new List<string>();

    /// <summary>For a loss: the name of the target parameter.</summary>
    public string? TargetName { get; init; }

    /// <summary>A block body's locals, arrays of tensors and loop variables (<see cref="StatementReader"/>), asked first.</summary>
    public ForwardEnvironment? Environment { get; init; }

    /// <summary>A layer's inputs after the first (<c>Forward(Tensor x, Tensor h)</c>: <c>h</c>).</summary>
    public HashSet<string> OtherInputs { get; init; } = new();

    public void DeclareLocal(string name) => _locals.Add(name);

    /// <summary>Reads <paramref name="syntax"/>, or reports why it cannot and returns null.</summary>
    public Expr? Read(ExpressionSyntax syntax)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        string text = ForwardParser.Shorten(syntax.ToString());
        var location = LocationInfo.From(syntax);
        if (Environment?.ReadLoopScalar(syntax, text, location, IsRunTimeScalar(syntax)) is { } loopValue)
        {
            return loopValue.Value;
        }

        if (IsRunTimeScalar(syntax))
        {
            return ScalarTemplate(syntax) is { } template ? new ScalarExpr(template, text, location) : null;
        }

        switch (syntax)
        {
            case TupleExpressionSyntax tuple:
                // return (output, state); in a forward returning several tensors (ForwardModel.WithResults checks where).
                var items = new List<Expr>();
                foreach (var item in tuple.Arguments)
                {
                    if (Read(item.Expression) is not { } element)
                    {
                        return null;
                    }

                    items.Add(element);
                }

                return new TupleExpr(items.ToEquatableArray(), text, location);
            case ParenthesizedExpressionSyntax parenthesized:
                return Read(parenthesized.Expression);
            case IdentifierNameSyntax identifier:
                return ReadName(identifier.Identifier.ValueText, syntax, text, location);
            case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } thisAccess:
                return ReadName(thisAccess.Name.Identifier.ValueText, syntax, text, location);
            case LiteralExpressionSyntax or CastExpressionSyntax or CheckedExpressionSyntax when Constant(syntax) is { } literal:
                return new NumberExpr(literal, text, location);
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } negate when Operator(negate.OperatorToken, operands: 1) is { } negation:
                if (Constant(syntax) is { } negated)
                {
                    return new NumberExpr(negated, text, location);
                }

                var operand = Read(negate.Operand);
                return operand is null ? null : Call(negation, text, location, operand);
            case BinaryExpressionSyntax binary when Operator(binary.OperatorToken, operands: 2) is { } op:
                if (Constant(syntax) is { } folded)
                {
                    return new NumberExpr(folded, text, location);
                }

                // Both sides are read even when the left fails, so each problem is reported at once.
                var left = Read(binary.Left);
                var right = Read(binary.Right);
                return left is null || right is null ? null : Call(op, text, location, left, right);
            case InvocationExpressionSyntax invocation:
                return ReadInvocation(invocation, text, location);
            case ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } indexed when IsTensor(indexed.Expression) && IsTensor(indexed.ArgumentList.Arguments[0].Expression):
                // weight[ids]: rows picked by an int64 tensor (Building checks the ids are an input of ids).
                var source = Read(indexed.Expression);
                var ids = source is null ? null : Read(indexed.ArgumentList.Arguments[0].Expression);
                return ids is null ? null : Call(OpTable.Indexed, text, location, source!, ids);
            case ElementAccessExpressionSyntax element when Environment is not null:
                return Environment.ReadElement(element, text, location);
            case ConditionalExpressionSyntax conditional when Environment is not null:
                return ReadConditional(conditional, text, location);
            case SwitchExpressionSyntax switchExpression when Environment is not null:
                return ReadSwitch(switchExpression, text, location); // ExprReader.Switch.cs
            case MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax, Name.Identifier.ValueText: var item } tupleItem when TupleItemIndex(item) is int index:
                // result.Item2 of 'var result = rnn.Call(x, h);': Building checks that the local holds a child's tuple.
                var whole = Read(tupleItem.Expression);
                return whole is null ? null : new TupleItemExpr(whole, index, text, location);
            case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "T" } transpose:
                var transposed = Read(transpose.Expression);
                return transposed is null ? null : Call(OpTable.Transposed, text, location, transposed);
            case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "mT" } matrixTranspose:
                // x.mT is x.Transpose(-1, -2): one node, and MatMul reads it as its operand's layout transposed.
                var matrix = Read(matrixTranspose.Expression);
                return matrix is null ? null : new CallExpr(OpTable.MatrixTransposed, new[] { matrix }.ToEquatableArray(), new[] { -1, -2 }.ToEquatableArray(), text, location);
            default:
                if (Constant(syntax) is { } constant)
                {
                    return new NumberExpr(constant, text, location);
                }

                return Unsupported(syntax, "this kind of expression is not part of LayerGen's op set (see docs/ops.md)");
        }
    }

    private Expr? ReadName(string name, ExpressionSyntax syntax, string text, LocationInfo? location)
    {
        // First: a local or a helper's parameter hides the input's name and the layer's members, as in C#.
        if (Environment?.ResolveName(name, text, location) is { } scoped)
        {
            return scoped;
        }

        if (name == _inputName || OtherInputs.Contains(name))
        {
            return new NameExpr(name, NameKind.Input, text, location);
        }

        if (name == TargetName)
        {
            return new NameExpr(name, NameKind.Target, text, location);
        }

        if (_locals.Contains(name))
        {
            return new NameExpr(name, NameKind.Local, text, location);
        }

        if (_parameters.Contains(name))
        {
            return new NameExpr(name, NameKind.Parameter, text, location);
        }

        if (Constant(syntax) is { } constant)
        {
            return new NumberExpr(constant, text, location);
        }

        return Unsupported(syntax, "only the input, locals declared above, [Parameter] and [Buffer] members, tensor fields whose shape can be read from their initialiser (e.g. 'Tensor.Zeros(n)') and constants can be used");
    }

    /// <summary><c>c ? a : b</c> on a condition known at compile time (<see cref="ForwardEnvironment.ReadBool"/>).</summary>
    private Expr? ReadConditional(ConditionalExpressionSyntax conditional, string text, LocationInfo? location)
    {
        if (Environment!.ReadBool(conditional.Condition, out var problem, out string? why) is not { } condition)
        {
            return Unsupported(problem ?? conditional.Condition, why ?? "the condition must be known at compile time");
        }

        var whenTrue = Read(conditional.WhenTrue);
        var whenFalse = whenTrue is null ? null : Read(conditional.WhenFalse);
        return whenFalse is null ? null : new ConditionalExpr(condition, whenTrue!, whenFalse, LocationInfo.From(conditional.Condition), text, location);
    }

    private Expr? ReadInvocation(InvocationExpressionSyntax invocation, string text, LocationInfo? location)
    {
        if (Environment?.HelperReader?.Invoke(invocation, text, location) is { } helper)
        {
            return helper.Value;
        }

        if (invocation.Expression is not MemberAccessExpressionSyntax access)
        {
            return Unsupported(invocation, "only methods of Tensor and Ops can be called in a forward definition");
        }

        string name = access.Name.Identifier.ValueText;
        var operands = new List<Expr>();
        var constants = new List<int>();
        var loopConstants = new List<LoopConstant>();
        var arguments = invocation.ArgumentList.Arguments;

        if (name == "Call" && arguments.Count >= 1 && ChildName(access.Expression) is string child)
        {
            // A child of several inputs is called with several arguments: addNorm.Call(x, y). Every argument is read, so
            // each one's problem is reported in one build.
            var called = new List<Expr?>();
            foreach (var argument in arguments)
            {
                called.Add(Read(argument.Expression));
            }

            if (called.Any(c => c is null))
            {
                return null;
            }

            return new ChildCallExpr(child, called[0]!, text, location) { OtherInputs = called.Skip(1).Select(c => c!).ToEquatableArray() };
        }

        if (name is "Zeros" or "Ones" && IsTensorClass(access.Expression))
        {
            return ReadFreshTensor(invocation, name, text, location);
        }

        if (name == "Expand" && !IsOpsClass(access.Expression))
        {
            return ReadExpand(invocation, access.Expression, text, location);
        }

        bool isOps = IsOpsClass(access.Expression);
        var candidates = OpTable.Find(isOps ? WrittenForm.OpsFunction : WrittenForm.TensorMethod, name);
        if (candidates.Count == 0)
        {
            return Unsupported(invocation, $"'{(isOps ? "Ops." : string.Empty)}{name}' is not an op LayerGen can compile (see docs/ops.md)");
        }

        bool numbersAreOperands = candidates.Any(c => c.NumbersAreOperands);

        // Every argument is read even after one fails (the receiver included), so each problem is reported in one
        // build; the call is then null.
        bool failed = false;
        if (!isOps)
        {
            var receiver = Read(access.Expression);
            failed |= receiver is null;
            if (receiver is not null)
            {
                operands.Add(receiver);
            }
        }

        var numbers = new List<Number>();
        var sizeArguments = new List<SizeArgument>();
        string? literal = null;
        LocationInfo? literalLocation = null;
        foreach (var (argument, kind, defaultValue) in ClassifyArguments(invocation))
        {
            if (argument is null)
            {
                // A parameter left at its default (Sum's keepDim, Softplus's beta): the runtime method's value.
                switch (defaultValue)
                {
                    case string value:
                        literal ??= value;
                        break;
                    case bool flag:
                        constants.Add(flag ? 1 : 0);
                        break;
                    case int value:
                        constants.Add(value);
                        break;
                    case float or double:
                        numbers.Add(System.Convert.ToDouble(defaultValue, System.Globalization.CultureInfo.InvariantCulture));
                        break;
                }

                continue;
            }

            switch (kind)
            {
                case ArgumentKind.Tensor:
                    var operand = Read(argument);
                    if (operand is null)
                    {
                        failed = true;
                        break;
                    }

                    operands.Add(operand);
                    break;
                case ArgumentKind.Integer when Environment?.MentionsLoopVariable(argument) == true:
                    // x.Narrow(1, t, 1): the value in each unrolled copy of the loop's body.
                    if (Environment.ReadLoopInteger(argument) is not { } loopConstant)
                    {
                        failed = true;
                        break;
                    }

                    loopConstants.Add(new LoopConstant(constants.Count, loopConstant));
                    constants.Add(0);
                    break;
                case ArgumentKind.String when _model.GetConstantValue(argument, _cancellationToken).Value is string value:
                    literal = value;
                    literalLocation = LocationInfo.From(argument);
                    break;
                case ArgumentKind.Integer when _model.GetConstantValue(argument, _cancellationToken) is { HasValue: true } constant:
                    constants.Add(constant.Value is bool flag ? (flag ? 1 : 0) : System.Convert.ToInt32(constant.Value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case ArgumentKind.Number when numbersAreOperands && Constant(argument) is { } value:
                    // Where(mask, a, -inf), x.Gt(0f): a constant operand in its place, broadcast like any scalar.
                    operands.Add(new NumberExpr(value, ForwardParser.Shorten(argument.ToString()), LocationInfo.From(argument)));
                    break;
                case ArgumentKind.Number when Constant(argument) is { } number:
                    numbers.Add(number);
                    break;
                case ArgumentKind.Number when numbersAreOperands && IsRunTimeScalar(argument):
                    if (ScalarTemplate(argument) is not { } operandTemplate)
                    {
                        failed = true;
                        break;
                    }

                    operands.Add(new ScalarExpr(operandTemplate, ForwardParser.Shorten(argument.ToString()), LocationInfo.From(argument)));
                    break;
                case ArgumentKind.Number when IsRunTimeScalar(argument):
                    if (ScalarTemplate(argument) is not { } numberTemplate)
                    {
                        failed = true;
                        break;
                    }

                    numbers.Add(Number.Symbolic(numberTemplate));
                    break;
                case ArgumentKind.Integer:
                    // A size of the layer's parameters (Reshape(-1, steps, d / heads), Narrow(-1, 0, n)); Building says where one may go.
                    if (ReadSize(argument) is not { } size)
                    {
                        failed = true;
                        break;
                    }

                    sizeArguments.Add(new SizeArgument(constants.Count, size, LocationInfo.From(argument)));
                    constants.Add(0);
                    break;
                default:
                    Unsupported(argument, "this argument must be a compile-time constant (an axis, a size, a flag, an exponent or an equation)");
                    failed = true;
                    break;
            }
        }

        if (failed)
        {
            return null;
        }

        return new CallExpr(Choose(candidates, operands.Count), operands.ToEquatableArray(), constants.ToEquatableArray(), text, location)
        {
            Numbers = numbers.ToEquatableArray(),
            SizeArguments = sizeArguments.ToEquatableArray(),
            LoopConstants = loopConstants.ToEquatableArray(),
            Literal = literal,
            LiteralLocation = literalLocation,
        };
    }

    /// <summary>
    /// Of the overloads written with one name (<c>x.Pow(2f)</c>, <c>x.Pow(p)</c>), the one taking
    /// <paramref name="operands"/> tensors; when none does (a call half-typed), the one taking the fewest, so
    /// that Building reports how many it needs.
    /// </summary>
    private static OpInfo Choose(IReadOnlyList<OpInfo> candidates, int operands) =>
        candidates.FirstOrDefault(c => c.Variadic ? operands >= c.Operands : operands == c.Operands)
        ?? candidates.OrderBy(c => c.Operands).First();

    /// <summary>The op of <see cref="OpTable"/> an operator token stands for with this many operands, if any.</summary>
    private static OpInfo? Operator(SyntaxToken token, int operands) =>
        OpTable.Find(WrittenForm.Operator, token.ValueText).FirstOrDefault(o => o.Operands == operands);

    /// <summary>Whether the expression is of type <c>LayerGen.Tensor</c>.</summary>
    private bool IsTensor(ExpressionSyntax syntax) =>
        _model.GetTypeInfo(syntax, _cancellationToken).Type?.ToDisplayString() == "LayerGen.Tensor";

    private static CallExpr Call(OpInfo op, string text, LocationInfo? location, params Expr[] operands) =>
        new(op, operands.ToEquatableArray(), EquatableArray<int>.Empty, text, location);

    /// <summary>The element <c>Item1</c> … <c>Item7</c> of a tuple names, counted from 0; null for any other member.</summary>
    private static int? TupleItemIndex(string member) =>
        member.Length == 5 && member.StartsWith("Item", System.StringComparison.Ordinal) && member[4] is >= '1' and <= '7' ? member[4] - '1' : null;

    /// <summary>The child layer a receiver names (<c>fc1</c> or <c>this.fc1</c>), if any.</summary>
    private string? ChildName(ExpressionSyntax receiver)
    {
        string? name = receiver switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
            _ => null,
        };
        return name is not null && _children.Contains(name) ? name : null;
    }

    private bool IsOpsClass(ExpressionSyntax receiver)
    {
        var symbol = _model.GetSymbolInfo(receiver, _cancellationToken).Symbol;
        if (symbol is INamedTypeSymbol type)
        {
            return type.ToDisplayString() == "LayerGen.Ops";
        }

        return symbol is null && receiver is IdentifierNameSyntax { Identifier.ValueText: "Ops" };
    }

    private double? Constant(ExpressionSyntax syntax)
    {
        var constant = _model.GetConstantValue(syntax, _cancellationToken);
        return constant.HasValue ? constant.Value switch
        {
            int i => i,
            float f => f,
            double d => d,
            long l => l,
            _ => null,
        } : null;
    }

    /// <summary>A number that is not a compile-time constant: it can only come from the constructor's parameters.</summary>
    private bool IsRunTimeScalar(ExpressionSyntax syntax) =>
        Constant(syntax) is null && ScalarReader.IsNumeric(_model.GetTypeInfo(syntax, _cancellationToken).Type);

    /// <summary>The scalar's template (<see cref="ScalarReader"/>), or null after reporting the part that cannot be one.</summary>
    private string? ScalarTemplate(ExpressionSyntax syntax)
    {
        if (ScalarReader.Read(syntax, _model, ConstructorParameters, _cancellationToken, out var problem, FeatureSizes) is { } template)
        {
            return template;
        }

        if (FeatureAxisSizeProblem(problem) is { } why)
        {
            Unsupported(problem!, why);
            return null;
        }

        Unsupported(
            problem ?? syntax,
            "a number in a forward definition must be a constant or computed from the layer's primary-constructor parameters "
            + "(with + - * / %, casts, and Math/MathF functions such as MathF.Sqrt); other fields, properties and methods are not known to the kernels");
        return null;
    }

    private Expr? Unsupported(SyntaxNode node, string why)
    {
        ForwardParser.ReportUnsupported(_diagnostics, node, _layerName, why);
        return null;
    }
}
