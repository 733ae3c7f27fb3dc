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

    /// <summary>A constant string argument (an einsum equation) and where it is written.</summary>
    public string? Literal { get; init; }

    public LocationInfo? LiteralLocation { get; init; }
}

/// <summary>
/// A scalar computed from the layer's constructor parameters (<c>1f / MathF.Sqrt(d)</c>, <c>scale</c>): known when the
/// kernel runs. <see cref="Template"/> is its C# with a hole <c>{name}</c> per parameter (<see cref="ScalarReader"/>).
/// </summary>
internal sealed record ScalarExpr(string Template, string Text, LocationInfo? Location) : Expr(Text, Location);

/// <summary>A call of a child layer held in a field: <c>fc1.Call(h)</c>.</summary>
internal sealed record ChildCallExpr(string Child, Expr Input, string Text, LocationInfo? Location) : Expr(Text, Location)
{
    /// <summary>The arguments after the first, for a child of several inputs (<c>cell.Call(x, h)</c>: <c>h</c>).</summary>
    public EquatableArray<Expr> OtherInputs { get; init; } = EquatableArray<Expr>.Empty;
}
