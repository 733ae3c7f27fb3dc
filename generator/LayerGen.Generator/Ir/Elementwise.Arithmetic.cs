namespace LayerGen.Generator.Ir;

// + - * / and negation (the operators), and the two identities autodiff and softmax use.
internal sealed partial class Elementwise
{
    public static readonly Elementwise Add = new(
        "Add", 2,
        d =>
        {
            d.Gradient(0, d.SumTo(d.G, d.Arg(0)));
            d.Gradient(1, d.SumTo(d.G, d.Arg(1)));
        },
        Spelling.Infix("+", parenthesiseDescription: true),
        writtenAs: [Written.Operator("+")]);

    public static readonly Elementwise Sub = new(
        "Sub", 2,
        d =>
        {
            d.Gradient(0, d.SumTo(d.G, d.Arg(0)));
            d.Gradient(1, d.SumTo(d.Neg(d.G), d.Arg(1)));
        },
        Spelling.Infix("-", parenthesiseDescription: true),
        writtenAs: [Written.Operator("-")]);

    public static readonly Elementwise Mul = new(
        "Mul", 2,
        d =>
        {
            d.Gradient(0, d.SumTo(d.Mul(d.G, d.Arg(1)), d.Arg(0)));
            d.Gradient(1, d.SumTo(d.Mul(d.G, d.Arg(0)), d.Arg(1)));
        },
        Spelling.Infix("*", parenthesiseDescription: false),
        writtenAs: [Written.Operator("*")]);

    // d(a/b)/da = 1/b; d(a/b)/db = -a/b² = -(a/b)/b, reusing the forward output.
    public static readonly Elementwise Div = new(
        "Div", 2,
        d =>
        {
            d.Gradient(0, d.SumTo(d.Div(d.G, d.Arg(1)), d.Arg(0)));
            d.Gradient(1, d.SumTo(d.Neg(d.Div(d.Mul(d.G, d.Y), d.Arg(1))), d.Arg(1)));
        },
        Spelling.Infix("/", parenthesiseDescription: false),
        writtenAs: [Written.Operator("/")]);

    public static readonly Elementwise Neg = new(
        "Neg", 1,
        d => d.Gradient(0, d.Neg(d.G)),
        Spelling.Prefix("-"),
        writtenAs: [Written.Operator("-")]);

    /// <summary>Broadcasts its argument to the node's shape (the adjoint of a reduction).</summary>
    public static readonly Elementwise Expand = new("Expand", 1, d => d.Gradient(0, d.SumTo(d.G, d.X)), Spelling.Identity);

    /// <summary>Its argument, through which no gradient flows (the max subtracted inside softmax, a buffer's new value; <c>x.Detach()</c>).</summary>
    public static readonly Elementwise Detach = new("Detach", 1, NoGradient, Spelling.Identity, writtenAs: [Written.Method]);

    private static readonly Elementwise[] Arithmetic = [Add, Sub, Mul, Div, Neg, Expand, Detach];
}
