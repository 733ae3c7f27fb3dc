using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// The forward definition as a small expression tree. <see cref="Text"/> is the source text, used in
/// diagnostics and as comments in the emitted code.
/// </summary>
internal abstract record Expr(string Text, LocationInfo? Location);

/// <summary>What a name in a forward definition refers to.</summary>
internal enum NameKind
{
    Input,

    /// <summary>A loss's second input.</summary>
    Target,
    Local,
    Parameter,
}

/// <summary>A reference to the input, a local, or a parameter.</summary>
internal sealed record NameExpr(string Name, NameKind Kind, string Text, LocationInfo? Location) : Expr(Text, Location);

/// <summary>A numeric constant (a literal or a constant expression).</summary>
internal sealed record NumberExpr(double Value, string Text, LocationInfo? Location) : Expr(Text, Location);

/// <summary>
/// A use of an op of <see cref="OpTable"/>: an operator (<c>a + b</c>, <c>-a</c>), a function (<c>Ops.Relu(a)</c>),
/// a method (<c>x.Sum(1)</c>, <c>x.MatMul(w)</c>) or <c>w.T</c>. Tensor operands (the receiver first) are in
/// <see cref="Operands"/>; constant integer arguments (axes, sizes, keepDim as 0/1) in <see cref="Constants"/>, in
/// the order of the method's parameters, defaults included.
/// </summary>
internal sealed record CallExpr(
    OpInfo Op,
    EquatableArray<Expr> Operands,
    EquatableArray<int> Constants,
    string Text,
    LocationInfo? Location) : Expr(Text, Location)
{
    /// <summary>Constant float arguments (an exponent, clamp bounds, a dropout probability), in parameter order, defaults included.</summary>
    /// <remarks>A number computed from the layer's constructor parameters is a symbolic <see cref="Number"/> whose code is a
    /// <see cref="ScalarReader"/> template (holes <c>{name}</c>, filled by Building).</remarks>
    public EquatableArray<Number> Numbers { get; init; } = EquatableArray<Number>.Empty;

    /// <summary>
    /// The integer arguments that are sizes of the layer's parameters (<c>d / heads</c> in <c>x.Reshape(-1, heads, d / heads)</c>),
    /// each at its position in <see cref="Constants"/>, where it stands as 0.
    /// </summary>
    public EquatableArray<SizeArgument> SizeArguments { get; init; } = EquatableArray<SizeArgument>.Empty;

    /// <summary>Integer argument <paramref name="index"/> as a size: its constant, or the size expression written there.</summary>
    public SizeExpr SizeAt(int index) =>
        SizeArguments.FirstOrDefault(s => s.Position == index)?.Size ?? SizeExpr.Constant(Constants[index]);

    /// <summary>True when integer argument <paramref name="index"/> is a compile-time constant (an axis must be).</summary>
    public bool IsConstantAt(int index) => SizeAt(index).IsConstant;

    /// <summary>Integer arguments written with a loop variable: their positions in <see cref="Constants"/>, set when unrolled.</summary>
    public EquatableArray<LoopConstant> LoopConstants { get; init; } = EquatableArray<LoopConstant>.Empty;

    /// <summary>A constant string argument (an einsum equation) and where it is written.</summary>
    public string? Literal { get; init; }

    public LocationInfo? LiteralLocation { get; init; }
}

/// <summary>
/// A scalar computed from the layer's constructor parameters (<c>1f / MathF.Sqrt(d)</c>, <c>scale</c>): known when the
/// kernel runs. <see cref="Template"/> is its C# with a hole <c>{name}</c> per parameter (<see cref="ScalarReader"/>).
/// </summary>
internal sealed record ScalarExpr(string Template, string Text, LocationInfo? Location) : Expr(Text, Location);

/// <summary>An integer argument of a call that is a size expression (<see cref="CallExpr.SizeArguments"/>), in the user's names.</summary>
internal sealed record SizeArgument(int Position, SizeExpr Size, LocationInfo? Location);

/// <summary>A call of a child layer held in a field: <c>fc1.Call(h)</c>.</summary>
internal sealed record ChildCallExpr(string Child, Expr Input, string Text, LocationInfo? Location) : Expr(Text, Location)
{
    /// <summary>The arguments after the first, for a child of several inputs (<c>cell.Call(x, h)</c>: <c>h</c>).</summary>
    public EquatableArray<Expr> OtherInputs { get; init; } = EquatableArray<Expr>.Empty;
}

/// <summary>
/// A tuple of results, <c>return (output, state);</c>: only what a forward returning several tensors returns
/// (<see cref="ForwardModel.WithResults"/> takes it apart into the results).
/// </summary>
internal sealed record TupleExpr(EquatableArray<Expr> Items, string Text, LocationInfo? Location) : Expr(Text, Location);

/// <summary>
/// One element of a child's tuple result: <c>result.Item2</c>, or an element of <c>var (outputs, state) = rnn.Call(x, h);</c>
/// (read as a local holding the call and one <see cref="TupleItemExpr"/> per name). <see cref="Index"/> counts from 0.
/// </summary>
internal sealed record TupleItemExpr(Expr Tuple, int Index, string Text, LocationInfo? Location) : Expr(Text, Location);
