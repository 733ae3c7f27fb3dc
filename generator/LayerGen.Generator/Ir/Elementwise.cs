using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Ir;

/// <summary>
/// An element-wise function of the IR — one row of the op table. Everything the generator knows about it is
/// here: how it is written in a forward definition (<see cref="WrittenAs"/>), how many tensors it reads, its
/// constant attributes (named as the runtime method's parameters), its vector-Jacobian product, and how the
/// kernels spell it and their comments describe it. Adding an element-wise op is adding a row to one of the
/// <c>Elementwise.*.cs</c> family files (and its runtime side: the eager op and <c>KernelMath</c> forms).
/// </summary>
/// <remarks>
/// Shape rule: the arguments broadcast together (<see cref="ShapeRules.Broadcast"/>), except for
/// <see cref="Expand"/>, whose one argument broadcasts to the node's own shape.
/// </remarks>
internal sealed partial class Elementwise
{
    /// <param name="name">The function's name in the IR, in comments (lower-cased) and, by default, in <c>KernelMath</c>.</param>
    /// <param name="arity">How many tensors it reads.</param>
    /// <param name="gradient">Its vector-Jacobian product, or <see cref="NoGradient"/> for a piecewise-constant function.</param>
    /// <param name="spelling">How the kernels write it; by default <c>KernelMath.{name}(args..., attributes...)</c>.</param>
    /// <param name="attributes">Its constant attributes, named as the runtime method's float parameters.</param>
    /// <param name="writtenAs">The ways a forward definition may write it; none for internal functions (gradients).</param>
    /// <param name="noGradientTo">Arguments its gradient never reaches, by design (Where's mask).</param>
    public Elementwise(string name, int arity, Vjp gradient, Spelling? spelling = null, string[]? attributes = null, Written[]? writtenAs = null, int[]? noGradientTo = null)
    {
        NoGradientTo = noGradientTo ?? System.Array.Empty<int>();
        Name = name;
        Arity = arity;
        Gradient = gradient;
        Spelling = spelling ?? Spelling.KernelMath(name);
        AttributeNames = (attributes ?? System.Array.Empty<string>()).ToEquatableArray();
        WrittenAs = writtenAs ?? System.Array.Empty<Written>();
    }

    /// <summary>The gradient of a piecewise-constant function: nothing flows back (a mask, a rounding).</summary>
    /// <remarks>A method rather than a field, so that every family file can name it whatever order fields are set in.</remarks>
    public static void NoGradient(VjpContext d)
    {
    }

    public string Name { get; }

    public int Arity { get; }

    public EquatableArray<string> AttributeNames { get; }

    public Vjp Gradient { get; }

    public bool IsDifferentiable => Gradient != (Vjp)NoGradient;

    /// <summary>The arguments a differentiable function's gradient never reaches, by design (Where's mask).</summary>
    public IReadOnlyList<int> NoGradientTo { get; }

    public Spelling Spelling { get; }

    public IReadOnlyList<Written> WrittenAs { get; }

    /// <summary>True for <see cref="Expand"/>: its shape is the node's own, its argument broadcast to it.</summary>
    public bool BroadcastsToNodeShape => ReferenceEquals(this, Expand);

    /// <summary>Every row of the table, family by family.</summary>
    public static IReadOnlyList<Elementwise> All => Rows.All;

    public override string ToString() => Name;

    // A nested class so that the list is built after every family's fields (in their own files) are set.
    private static class Rows
    {
        public static readonly Elementwise[] All =
            Arithmetic.Concat(Activations).Concat(Exponentials).Concat(Trigonometry).Concat(Rounding).Concat(Selection).ToArray();
    }
}

/// <summary>One way a forward definition writes an op.</summary>
internal enum WrittenForm
{
    /// <summary><c>Ops.Name(x, ...)</c>.</summary>
    OpsFunction,

    /// <summary><c>x.Name(...)</c>: the receiver is the first operand.</summary>
    TensorMethod,

    /// <summary><c>x.Name</c> (only <c>w.T</c>).</summary>
    TensorProperty,

    /// <summary>A C# operator: <c>a + b</c>, <c>-a</c>, <c>a &gt;= b</c>; the name is its token.</summary>
    Operator,
}

/// <summary>
/// A way of writing an op: the form and the name (null: the op's own name). With
/// <see cref="NumbersAreOperands"/>, a constant where a tensor may go is an operand (<c>x.Gt(0f)</c>,
/// <c>Ops.Where(mask, x, float.NegativeInfinity)</c>), broadcast like any scalar.
/// </summary>
internal sealed record Written(WrittenForm Form, string? Name = null, bool NumbersAreOperands = false)
{
    public static readonly Written Ops = new(WrittenForm.OpsFunction);

    public static readonly Written Method = new(WrittenForm.TensorMethod);

    public static Written Operator(string token) => new(WrittenForm.Operator, token);
}

/// <summary>How the kernels write an element-wise function, and how the comments above them describe it.</summary>
internal sealed class Spelling
{
    private readonly System.Func<IReadOnlyList<string>, string> _code;
    private readonly System.Func<IReadOnlyList<string>, string> _describe;

    private Spelling(System.Func<IReadOnlyList<string>, string> code, System.Func<IReadOnlyList<string>, string> describe, string? kernelMathMethod)
    {
        _code = code;
        _describe = describe;
        KernelMathMethod = kernelMathMethod;
    }

    /// <summary>The <c>KernelMath</c> method the kernels call (scalar, <c>Vector&lt;float&gt;</c> and <c>Vector512</c> overloads), if any.</summary>
    public string? KernelMathMethod { get; }

    /// <summary><c>KernelMath.Method(args..., attributes...)</c>; described as <c>method(args..., attributes...)</c>.</summary>
    public static Spelling KernelMath(string method) => new(
        args => $"KernelMath.{method}({string.Join(", ", args)})",
        args => $"{method.ToLowerInvariant()}({string.Join(", ", args)})",
        method);

    /// <summary><c>(a op b)</c>; described with parentheses or without (<c>a * b</c>), as the comments always have.</summary>
    public static Spelling Infix(string token, bool parenthesiseDescription) => new(
        args => $"({args[0]} {token} {args[1]})",
        args => parenthesiseDescription ? $"({args[0]} {token} {args[1]})" : $"{args[0]} {token} {args[1]}",
        null);

    /// <summary><c>(op a)</c>, described as <c>op a</c>.</summary>
    public static Spelling Prefix(string token) => new(args => $"({token}{args[0]})", args => $"{token}{args[0]}", null);

    /// <summary>The argument itself (a broadcast, or a value with its gradient cut).</summary>
    public static readonly Spelling Identity = new(args => args[0], args => args[0], null);

    /// <summary>The C# computing the function of <paramref name="arguments"/> (operands, then attributes as float literals).</summary>
    public string Code(IReadOnlyList<string> arguments) => _code(arguments);

    /// <summary>The function in words for a comment (operands, then attributes as numbers).</summary>
    public string Describe(IReadOnlyList<string> arguments) => _describe(arguments);
}
