using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// A statement of a forward body as written, before <see cref="ForwardUnroller"/> resolves its control flow into the
/// plain list of locals the later stages read (<see cref="ForwardModel.Locals"/>). Each carries where it is written,
/// for diagnostics found while unrolling.
/// </summary>
internal abstract record ForwardStatement(LocationInfo? Location);

/// <summary><c>var h = e;</c>, <c>h = e;</c> or <c>h += e;</c> (already read as <c>h + e</c>): a new value of the local.</summary>
internal sealed record AssignStatement(string Name, Expr Value, LocationInfo? Location) : ForwardStatement(Location)
{
    /// <summary>True for a declaration (<c>var h = e;</c>): a helper's declared names are hidden from its caller.</summary>
    public bool Declares { get; init; }

    /// <summary>
    /// True for a new value of one of the layer's buffers (<c>runningMean = ...</c>, its value already detached): the
    /// forward reads it from then on, and the kernels write the last one into the buffer (<see cref="BufferUpdate"/>).
    /// </summary>
    public bool UpdatesBuffer { get; init; }
}

/// <summary><c>var outs = new Tensor[n];</c>: an array of <see cref="Length"/> tensors, none assigned yet.</summary>
internal sealed record NewArrayStatement(string Name, IntExpr Length, LocationInfo? LengthLocation, LocationInfo? Location) : ForwardStatement(Location);

/// <summary><c>outs[i] = e;</c>.</summary>
internal sealed record StoreStatement(string Array, IntExpr Index, Expr Value, LocationInfo? IndexLocation, LocationInfo? Location) : ForwardStatement(Location);

/// <summary>
/// <c>for (int v = Start; v &lt; End; v += Step) Body</c>: unrolled, with <see cref="Variable"/> a constant in each copy
/// of the body. <see cref="BoundLocation"/> is where the condition's bound is written.
/// </summary>
internal sealed record ForStatement(
    string Variable,
    IntExpr Start,
    IntExpr End,
    int Step,
    EquatableArray<ForwardStatement> Body,
    LocationInfo? BoundLocation,
    LocationInfo? Location) : ForwardStatement(Location);

/// <summary><c>return e;</c>: the forward's result.</summary>
internal sealed record ReturnStatement(Expr Value, LocationInfo? Location) : ForwardStatement(Location);

/// <summary><c>outs[i]</c> read in an expression: the element's current value.</summary>
internal sealed record ElementExpr(string Array, IntExpr Index, string Text, LocationInfo? Location) : Expr(Text, Location);

/// <summary>A whole array of tensors passed where an op takes several (<c>Ops.Concat(1, outs)</c>): its elements, in order.</summary>
internal sealed record ArrayExpr(string Array, string Text, LocationInfo? Location) : Expr(Text, Location);

/// <summary>A loop variable (or an integer computed from one) used as a number: <c>h * t</c>.</summary>
internal sealed record IntValueExpr(IntExpr Value, string Text, LocationInfo? Location) : Expr(Text, Location);

/// <summary>
/// An integer argument of an op written with a loop variable (<c>x.Narrow(1, t, 1)</c>): the value of
/// <see cref="CallExpr.Constants"/>[<see cref="Position"/>] in each unrolled copy.
/// </summary>
internal sealed record LoopConstant(int Position, IntExpr Value);

/// <summary><c>if (Condition) Then else Else</c> on a condition known at compile time: only the branch taken is unrolled.</summary>
internal sealed record IfStatement(
    BoolExpr Condition,
    EquatableArray<ForwardStatement> Then,
    EquatableArray<ForwardStatement> Else,
    LocationInfo? ConditionLocation,
    LocationInfo? Location) : ForwardStatement(Location);

/// <summary><c>Condition ? WhenTrue : WhenFalse</c> on a condition known at compile time.</summary>
internal sealed record ConditionalExpr(BoolExpr Condition, Expr WhenTrue, Expr WhenFalse, LocationInfo? ConditionLocation, string Text, LocationInfo? Location) : Expr(Text, Location);

/// <summary>
/// A call of a helper of the layer (a private method or a local function taking and returning tensors), inlined: its
/// arguments bound to its parameters, then its <see cref="Body"/> run in a scope of its own; its value is what the body
/// returns. <see cref="Declared"/> lists the names the body declares (its parameters included), which the call hides.
/// </summary>
internal sealed record InlineCallExpr(
    string Helper,
    EquatableArray<InlineArgument> Arguments,
    EquatableArray<ForwardStatement> Body,
    EquatableArray<string> Declared,
    string Text,
    LocationInfo? Location) : Expr(Text, Location);

/// <summary>A helper's parameter and its argument: a tensor, or an integer (a constant, a size, a loop variable).</summary>
internal sealed record InlineArgument(string Parameter, Expr? Tensor, IntExpr? Integer);
