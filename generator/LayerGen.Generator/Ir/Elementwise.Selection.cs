namespace LayerGen.Generator.Ir;

// Comparisons (float masks of 1 and 0, no gradient), selection, and the limits of a value.
internal sealed partial class Elementwise
{
    public static readonly Elementwise Greater = new("Greater", 2, NoGradient, writtenAs: [Written.Operator(">"), Comparison("Gt")]);

    public static readonly Elementwise Less = new("Less", 2, NoGradient, writtenAs: [Written.Operator("<"), Comparison("Lt")]);

    public static readonly Elementwise GreaterEqual = new("GreaterEqual", 2, NoGradient, writtenAs: [Written.Operator(">="), Comparison("Ge")]);

    public static readonly Elementwise LessEqual = new("LessEqual", 2, NoGradient, writtenAs: [Written.Operator("<="), Comparison("Le")]);

    public static readonly Elementwise Equal = new("Equal", 2, NoGradient, writtenAs: [Comparison("Eq")]);

    /// <summary>mask != 0 ? a : b; the gradient goes to the chosen operand, none to the mask.</summary>
    public static readonly Elementwise Where = new(
        "Where", 3,
        d =>
        {
            d.Gradient(1, d.SumTo(d.Where(d.Arg(0), d.G, d.Constant(0)), d.Arg(1)));
            d.Gradient(2, d.SumTo(d.Where(d.Arg(0), d.Constant(0), d.G), d.Arg(2)));
        },
        writtenAs: [Written.Ops with { NumbersAreOperands = true }],
        noGradientTo: [0]);

    public static readonly Elementwise Maximum = new("Maximum", 2, d => Extreme(d, Less, Greater), writtenAs: [Written.Ops]);

    public static readonly Elementwise Minimum = new("Minimum", 2, d => Extreme(d, Greater, Less), writtenAs: [Written.Ops]);

    /// <summary>
    /// x limited to [min, max]. torch's clamp_backward selects: g where min ≤ x ≤ max, else 0 even when g is NaN or ∞
    /// (and at a NaN x).
    /// </summary>
    public static readonly Elementwise Clamp = new(
        "Clamp", 1,
        d => d.Gradient(0, d.Where(d.InRange(d.X, d.Attribute(0), d.Attribute(1)), d.G, d.Constant(0))),
        attributes: ["min", "max"],
        writtenAs: [Written.Ops, Written.Method]);

    /// <summary>1 where min ≤ x ≤ max, else 0 (the derivative of Clamp).</summary>
    public static readonly Elementwise InRange = new("InRange", 1, NoGradient, attributes: ["min", "max"]);

    private static readonly Elementwise[] Selection = [Greater, Less, GreaterEqual, LessEqual, Equal, Where, Maximum, Minimum, Clamp, InRange];

    /// <summary><c>a.Gt(b)</c>: the comparison as a method, its constant operand (<c>x.Gt(0f)</c>) an operand.</summary>
    private static Written Comparison(string method) => new(WrittenForm.TensorMethod, method, NumbersAreOperands: true);

    /// <summary>
    /// Maximum's and Minimum's gradient, as torch's: where(a == b, g/2, g), set to 0 (a select) where the operand
    /// loses. A comparison with NaN is neither a tie nor a loss, so with a NaN operand both get the whole g.
    /// </summary>
    private static void Extreme(VjpContext d, Elementwise aLoses, Elementwise bLoses)
    {
        int share = d.Where(d.Binary(Equal, d.Arg(0), d.Arg(1)), d.Mul(d.G, d.Constant(0.5)), d.G);
        d.Gradient(0, d.SumTo(d.Where(d.Binary(aLoses, d.Arg(0), d.Arg(1)), d.Constant(0), share), d.Arg(0)));
        d.Gradient(1, d.SumTo(d.Where(d.Binary(bLoses, d.Arg(0), d.Arg(1)), d.Constant(0), share), d.Arg(1)));
    }
}
