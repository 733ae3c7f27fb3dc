using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Reads the statements of a forward body into <see cref="ForwardStatement"/>s: locals declared and reassigned
/// (<c>state = Ops.Tanh(...)</c>, <c>h += ...</c>), arrays of tensors (<c>var outs = new Tensor[n]; outs[t] = ...</c>),
/// <c>for</c> loops over an integer range, <c>if</c>/<c>else</c> on conditions known at compile time, and <c>return</c>s
/// (several, early ones included: the first one reached ends the body). Their control flow is resolved at compile time by
/// <see cref="ForwardUnroller"/>, so loops whose trip count depends on tensor values (<c>while</c>) are refused here,
/// each on its own syntax with what to write instead.
/// </summary>
internal sealed partial class StatementReader
{
    private readonly ExprReader _reader;
    private readonly ForwardEnvironment _environment;
    private readonly SemanticModel _model;
    private readonly CancellationToken _cancellationToken;

    public StatementReader(ExprReader reader, ForwardEnvironment environment, SemanticModel model, CancellationToken cancellationToken)
    {
        _reader = reader;
        _environment = environment;
        _model = model;
        _cancellationToken = cancellationToken;
    }

    /// <summary>True while reading a helper's body (inlined into the forward): it may not assign the layer's buffers.</summary>
    public bool InHelper { get; init; }

    /// <summary>The body's statements, or null after reporting what cannot be read. Ends with the <c>return</c>, if any.</summary>
    public List<ForwardStatement>? ReadBody(BlockSyntax body)
    {
        var statements = new List<ForwardStatement>();
        if (!InHelper)
        {
            DeclareReassignedInputs(body, statements); // x = Ops.Relu(x): the input becomes a local (StatementReader.Inputs.cs)
        }

        return ReadAll(body.Statements, statements) ? statements : null;
    }

    /// <remarks>
    /// A statement that cannot be read does not stop the reading: every statement's problems are reported in one
    /// build (a local whose value failed stays declared, so its later uses add no second error).
    /// </remarks>
    private bool ReadAll(IEnumerable<StatementSyntax> statements, List<ForwardStatement> into)
    {
        bool read = true;
        bool returned = false;
        foreach (var statement in statements)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (statement is LocalFunctionStatementSyntax)
            {
                // A definition: inlined where it is called (HelperInliner).
                continue;
            }

            if (returned)
            {
                return Refuse(statement, "nothing may follow the return statement");
            }

            if (!ReadOne(statement, into))
            {
                read = false;
                continue;
            }

            returned = into.LastOrDefault() is ReturnStatement;
        }

        return read;
    }

    /// <summary>The names <paramref name="statements"/> declare (locals, arrays, loop variables), at any depth.</summary>
    public static IEnumerable<string> Declared(IEnumerable<ForwardStatement> statements)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case AssignStatement { Declares: true } assign:
                    yield return assign.Name;
                    break;
                case NewArrayStatement array:
                    yield return array.Name;
                    break;
                case ForStatement loop:
                    yield return loop.Variable;
                    foreach (string name in Declared(loop.Body))
                    {
                        yield return name;
                    }

                    break;
                case IfStatement branch:
                    foreach (string name in Declared(branch.Then).Concat(Declared(branch.Else)))
                    {
                        yield return name;
                    }

                    break;
            }
        }
    }

    private bool ReadOne(StatementSyntax statement, List<ForwardStatement> into)
    {
        var location = LocationInfo.From(statement);
        switch (statement)
        {
            case LocalDeclarationStatementSyntax { IsConst: true }:
                // const int k = 3;: the compiler folds its uses.
                return true;
            case LocalDeclarationStatementSyntax local:
                return local.Declaration.Variables.All(v => ReadDeclaration(v, into));
            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: DeclarationExpressionSyntax or TupleExpressionSyntax } deconstruction }:
                return ReadDeconstruction(deconstruction, into, location);
            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment }:
                return ReadAssignment(assignment, into, location);
            case ForStatementSyntax loop:
                return ReadFor(loop, into);
            case BlockSyntax block:
                return ReadAll(block.Statements, into);
            case EmptyStatementSyntax:
                return true;
            case ReturnStatementSyntax { Expression: { } expression }:
                var value = _reader.Read(expression);
                if (value is null)
                {
                    return false;
                }

                into.Add(new ReturnStatement(value, location));
                return true;
            case IfStatementSyntax branch:
                return ReadIf(branch, into);
            case SwitchStatementSyntax switchStatement:
                return ReadSwitch(switchStatement, into); // StatementReader.Switch.cs
            case WhileStatementSyntax loop:
                return Refuse(loop.Condition, "a while loop runs until a value known only at run time says stop, and LayerGen resolves a forward's control flow at compile time; write a 'for' loop whose bound is a constant or a size of the layer");
            case DoStatementSyntax loop:
                return Refuse(loop.Condition, "a do-while loop runs until a value known only at run time says stop, and LayerGen resolves a forward's control flow at compile time; write a 'for' loop whose bound is a constant or a size of the layer");
            case ForEachStatementSyntax loop:
                return Refuse(loop.Expression, "write the loop over indices instead: 'for (int i = 0; i < n; i++)' with n a constant or a size of the layer");
            default:
                return Refuse(statement, "a forward body may declare and reassign locals (also several at once as a tuple, 'var (a, b) = ...;'), fill arrays of tensors, loop with 'for' over a constant range, branch with 'if' or 'switch' on a condition known at compile time or on Training, and return an expression or a tuple of them; other statements cannot be resolved at compile time");
        }
    }

    /// <summary><c>var h = e;</c>, <c>Tensor h = e;</c> or <c>var outs = new Tensor[n];</c>.</summary>
    private bool ReadDeclaration(VariableDeclaratorSyntax variable, List<ForwardStatement> into)
    {
        string name = variable.Identifier.ValueText;
        var location = LocationInfo.From(variable);
        if (variable.Initializer?.Value is not { } initializer)
        {
            return Refuse(variable, "give the local its value where it is declared ('var h = ...;')");
        }

        if (initializer is ArrayCreationExpressionSyntax { Initializer: null } creation && IsTensorArray(creation))
        {
            if (creation.Type.RankSpecifiers.Count != 1 || creation.Type.RankSpecifiers[0].Sizes is not { Count: 1 } sizes || sizes[0] is OmittedArraySizeExpressionSyntax)
            {
                return Refuse(creation, "an array of tensors is one-dimensional with a length: 'new Tensor[n]'");
            }

            if (_environment.ReadInt(sizes[0], out var problem) is not { } length)
            {
                return Refuse(problem ?? sizes[0], "an array's length must be computed from constants and the layer's int sizes");
            }

            _environment.DeclareArray(name, length);
            into.Add(new NewArrayStatement(name, length, LocationInfo.From(sizes[0]), location));
            return true;
        }

        var value = _reader.Read(initializer);
        _environment.DeclareLocal(name); // also when its value failed: its uses below are not a second problem
        if (value is null)
        {
            return false;
        }

        into.Add(new AssignStatement(name, value, location) { Declares = true });
        return true;
    }

    /// <summary>
    /// <c>var (outputs, state) = rnn.Call(x, h);</c> (also <c>(Tensor a, Tensor b) = ...</c>, <c>(a, b) = ...</c> on locals, and
    /// <c>_</c> for an element not wanted): a local holding the whole tuple (named after the child's call) and one local per
    /// name, each an element of it. Building checks that the value is a child's tuple of as many tensors.
    /// </summary>
    private bool ReadDeconstruction(AssignmentExpressionSyntax assignment, List<ForwardStatement> into, LocationInfo? location)
    {
        if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || DeconstructedNames(assignment.Left) is not { Count: > 1 } names)
        {
            return Refuse(assignment.Left, "a tuple is taken apart into the forward's locals and inputs ('var (outputs, state) = rnn.Call(x, h);', '(x, h) = (a, b);'); a member of the layer cannot be one of them: take it apart into a local and assign that");
        }

        var value = _reader.Read(assignment.Right);
        var declared = new HashSet<string>(names.Where(n => n is not null && !_environment.IsLocal(n)).Select(n => n!));
        foreach (string name in declared)
        {
            _environment.DeclareLocal(name); // also when the value failed: its uses below are not a second problem
        }

        if (value is null)
        {
            return false;
        }

        string whole = (assignment.Right is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax child } } ? child.Identifier.ValueText : "tuple") + "Result";
        into.Add(new AssignStatement(whole, value, location) { Declares = true });
        var tuple = new NameExpr(whole, NameKind.Local, value.Text, value.Location);
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] is { } name)
            {
                into.Add(new AssignStatement(name, new TupleItemExpr(tuple, i, $"{whole}.Item{i + 1}", value.Location), location) { Declares = declared.Contains(name) });
            }
        }

        return true;
    }

    /// <summary>The names a deconstruction's left side writes, in order (null for '_'); null when it is not a flat list of names.</summary>
    private List<string?>? DeconstructedNames(ExpressionSyntax left)
    {
        static List<string?>? FromDesignation(VariableDesignationSyntax designation) => designation switch
        {
            ParenthesizedVariableDesignationSyntax list => list.Variables.All(v => v is SingleVariableDesignationSyntax or DiscardDesignationSyntax)
                ? list.Variables.Select(v => v is SingleVariableDesignationSyntax single ? single.Identifier.ValueText : null).ToList()
                : null,
            _ => null,
        };

        switch (left)
        {
            case DeclarationExpressionSyntax declaration:
                return FromDesignation(declaration.Designation);
            case TupleExpressionSyntax tuple:
                var names = new List<string?>();
                foreach (var argument in tuple.Arguments)
                {
                    switch (argument.Expression)
                    {
                        case DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax single }:
                            names.Add(single.Identifier.ValueText);
                            break;
                        case DeclarationExpressionSyntax { Designation: DiscardDesignationSyntax }:
                            names.Add(null);
                            break;
                        case IdentifierNameSyntax { Identifier.ValueText: "_" }:
                            names.Add(null);
                            break;
                        case IdentifierNameSyntax { Identifier.ValueText: var name } when _environment.IsLocal(name):
                            names.Add(name);
                            break;
                        default:
                            return null;
                    }
                }

                return names;
            default:
                return null;
        }
    }

    /// <summary><c>if (c) ... else ...</c> on a condition known at compile time (<see cref="ForwardEnvironment.ReadBool"/>).</summary>
    private bool ReadIf(IfStatementSyntax branch, List<ForwardStatement> into)
    {
        if (_environment.ReadBool(branch.Condition, out var problem, out string? why) is not { } condition)
        {
            return Refuse(problem ?? branch.Condition, why ?? "the condition must be known at compile time");
        }

        var then = new List<ForwardStatement>();
        var otherwise = new List<ForwardStatement>();
        if (!ReadAll(Statements(branch.Statement), then)
            || (branch.Else is { } elseClause && !ReadAll(Statements(elseClause.Statement), otherwise)))
        {
            return false;
        }

        into.Add(new IfStatement(condition, then.ToEquatableArray(), otherwise.ToEquatableArray(), LocationInfo.From(branch.Condition), LocationInfo.From(branch)));
        return true;
    }

    private static SyntaxList<StatementSyntax> Statements(StatementSyntax statement) =>
        statement is BlockSyntax block ? block.Statements : SyntaxFactory.SingletonList(statement);

    /// <summary><c>h = e;</c>, <c>h += e;</c> (also <c>-= *= /=</c>), <c>outs[i] = e;</c>.</summary>
    private bool ReadAssignment(AssignmentExpressionSyntax assignment, List<ForwardStatement> into, LocationInfo? location)
    {
        string? op = assignment.Kind() switch
        {
            SyntaxKind.SimpleAssignmentExpression => null,
            SyntaxKind.AddAssignmentExpression => "+",
            SyntaxKind.SubtractAssignmentExpression => "-",
            SyntaxKind.MultiplyAssignmentExpression => "*",
            SyntaxKind.DivideAssignmentExpression => "/",
            _ => "?",
        };
        if (op == "?")
        {
            return Refuse(assignment, "only =, +=, -=, *= and /= can assign a tensor");
        }

        switch (assignment.Left)
        {
            case IdentifierNameSyntax { Identifier.ValueText: var name } when _environment.IsLocal(name):
                var value = Combine(op, assignment.Left, assignment.Right, assignment);
                if (value is null)
                {
                    return false;
                }

                into.Add(new AssignStatement(name, value, location));
                return true;
            case ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: var array }, ArgumentList.Arguments.Count: 1 } element
                when _environment.IsArray(array):
                var indexSyntax = element.ArgumentList.Arguments[0].Expression;
                if (_environment.ReadInt(indexSyntax, out var problem) is not { } index)
                {
                    return Refuse(problem ?? indexSyntax, "an index must be computed from constants, loop variables and the layer's int sizes");
                }

                var stored = Combine(op, assignment.Left, assignment.Right, assignment);
                if (stored is null)
                {
                    return false;
                }

                into.Add(new StoreStatement(array, index, stored, LocationInfo.From(indexSyntax), location));
                return true;
            case IdentifierNameSyntax { Identifier.ValueText: var name } when _environment.IsLoopVariable(name):
                return Refuse(assignment, "a loop variable is set by its 'for' header only; the loop is unrolled from it");
            case IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } when TensorField(assignment.Left) is { } field:
                return ReadBufferAssignment(field, op, assignment, into, location);
            default:
                return Refuse(assignment.Left, "only a tensor local of the forward body or an element of an array of tensors declared in it can be assigned");
        }
    }

    /// <summary>The layer's own (instance) <c>Tensor</c> field or property that <paramref name="left"/> names, or null.</summary>
    private ISymbol? TensorField(ExpressionSyntax left) =>
        _model.GetSymbolInfo(left, _cancellationToken).Symbol is { IsStatic: false } symbol and (IFieldSymbol or IPropertySymbol)
        && (symbol is IFieldSymbol field ? field.Type : ((IPropertySymbol)symbol).Type).WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString() == "LayerGen.Tensor"
            ? symbol
            : null;

    /// <summary>
    /// <c>runningMean = (1 - momentum) * runningMean + momentum * mean;</c>: a new value of a buffer (or plain tensor field),
    /// detached as PyTorch updates running statistics under <c>no_grad</c>; the forward reads it from here on and the
    /// kernels write its last value into the buffer. A [Parameter] is refused: the optimiser changes it, not the forward.
    /// </summary>
    private bool ReadBufferAssignment(ISymbol field, string? op, AssignmentExpressionSyntax assignment, List<ForwardStatement> into, LocationInfo? location)
    {
        if (field.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "LayerGen.ParameterAttribute"))
        {
            return Refuse(
                assignment.Left,
                $"'{field.Name}' is a [Parameter]: the optimiser changes it and a forward only reads it; state the forward updates (running statistics) is a [Buffer], e.g. '[Buffer] Tensor {field.Name} = Tensor.Zeros(n);'");
        }

        if (InHelper)
        {
            // A helper's scope ends with its call, and the buffer's new value would end with it.
            return Refuse(assignment.Left, $"a buffer is assigned in Forward itself, not in a helper it calls: return the new value from the helper and assign '{field.Name}' in Forward");
        }

        // Read as the forward reads it: a buffer whose shape is known, or a report of why it is not one.
        var name = assignment.Left is MemberAccessExpressionSyntax member ? member.Name : assignment.Left;
        if (_reader.Read(name) is not NameExpr { Kind: NameKind.Parameter })
        {
            return false;
        }

        var value = Combine(op, name, assignment.Right, assignment);
        if (value is null)
        {
            return false;
        }

        var detach = OpTable.Find(WrittenForm.TensorMethod, "Detach").First();
        var detached = new CallExpr(detach, new[] { value }.ToEquatableArray(), EquatableArray<int>.Empty, value.Text, value.Location);
        into.Add(new AssignStatement(field.Name, detached, location) { UpdatesBuffer = true });
        return true;
    }

    /// <summary>The new value: <c>right</c>, or <c>left op right</c> for a compound assignment.</summary>
    private Expr? Combine(string? op, ExpressionSyntax left, ExpressionSyntax right, AssignmentExpressionSyntax assignment)
    {
        if (op is null)
        {
            return _reader.Read(right);
        }

        var current = _reader.Read(left);
        var operand = current is null ? null : _reader.Read(right);
        if (operand is null)
        {
            return null;
        }

        var info = OpTable.Find(WrittenForm.Operator, op).First(o => o.Operands == 2);
        return new CallExpr(info, new[] { current!, operand }.ToEquatableArray(), EquatableArray<int>.Empty, ForwardParser.Shorten(assignment.ToString()), LocationInfo.From(assignment));
    }

    private bool IsTensorArray(ArrayCreationExpressionSyntax creation) =>
        _model.GetTypeInfo(creation, _cancellationToken).Type is IArrayTypeSymbol { Rank: 1 } array
        && array.ElementType.ToDisplayString() == "LayerGen.Tensor";

    private bool Refuse(SyntaxNode node, string why)
    {
        _environment.Report<object>(node, why);
        return false;
    }
}
