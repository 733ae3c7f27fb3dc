namespace LayerGen.Generator.Ir;

// Exponentials, logarithms, powers and roots.
internal sealed partial class Elementwise
{
    public static readonly Elementwise Exp = new("Exp", 1, d => d.Gradient(0, d.Mul(d.G, d.Y)), writtenAs: [Written.Ops]);

    public static readonly Elementwise Log = new("Log", 1, d => d.Gradient(0, d.Div(d.G, d.X)), writtenAs: [Written.Ops]);

    /// <summary>The error function; erf'(x) = 2/√π·e^(−x²).</summary>
    public static readonly Elementwise Erf = new(
        "Erf", 1,
        ErfGradient,
        writtenAs: [Written.Ops, Written.Method]);

    /// <summary>√x; its gradient 0.5·g / y is +∞ at 0, as torch's.</summary>
    public static readonly Elementwise Sqrt = new(
        "Sqrt", 1,
        d => d.Gradient(0, d.Div(d.Mul(d.G, d.Constant(0.5)), d.Y)),
        writtenAs: [Written.Ops, Written.Method]);

    /// <summary>|x|; gradient g·sign(x), 0 at 0.</summary>
    public static readonly Elementwise Abs = new(
        "Abs", 1,
        AbsGradient,
        writtenAs: [Written.Ops, Written.Method]);

    /// <summary>
    /// x to a constant power, with torch's gradient g·p·x^(p−1), and none for p = 0 (torch's pow_backward special case,
    /// which also avoids 0·∞ at x = 0).
    /// </summary>
    public static readonly Elementwise Pow = new(
        "Pow", 1,
        d =>
        {
            double p = d.Attribute(0);
            if (p != 0)
            {
                d.Gradient(0, d.Mul(d.G, d.Mul(d.Constant(p), d.Pow(d.X, p - 1))));
            }
        },
        attributes: ["exponent"],
        writtenAs: [Written.Ops, Written.Method]);

    /// <summary>
    /// a^b for a tensor exponent (torch.pow(a, b)), both gradients as torch's: g·b·a^(b−1), 0 where b = 0; and
    /// g·(a^b·log a), with 0 in place of a^b·log a where a = 0 and b ≥ 0.
    /// </summary>
    public static readonly Elementwise PowTensor = new(
        "PowTensor", 2,
        PowTensorGradient,
        Spelling.KernelMath("Pow"),
        writtenAs: [Written.Ops with { Name = "Pow" }, Written.Method with { Name = "Pow" }]);

    private static readonly Elementwise[] Exponentials = [Exp, Log, Erf, Sqrt, Abs, Pow, PowTensor];

    // The gradients that build nodes of other rows are methods: a field initialiser may run before another file's.
    private static void ErfGradient(VjpContext d) =>
        d.Gradient(0, d.Mul(d.G, d.Mul(d.Constant(2 / System.Math.Sqrt(System.Math.PI)), d.Unary(Exp, d.Neg(d.Mul(d.X, d.X))))));

    private static void AbsGradient(VjpContext d) => d.Gradient(0, d.Mul(d.G, d.Unary(Sign, d.X)));

    private static void PowTensorGradient(VjpContext d)
    {
        int a = d.Arg(0), b = d.Arg(1);
        d.Gradient(0, d.SumTo(d.Where(d.Binary(Equal, b, d.Constant(0)), d.Constant(0), d.Mul(d.G, d.Mul(b, d.Binary(PowTensor, a, d.Sub(b, d.Constant(1)))))), a));
        int zeroBase = d.Mul(d.Binary(Equal, a, d.Constant(0)), d.Binary(GreaterEqual, b, d.Constant(0)));
        d.Gradient(1, d.SumTo(d.Mul(d.G, d.Where(zeroBase, d.Constant(0), d.Mul(d.Y, d.Unary(Log, a)))), b));
    }
}
