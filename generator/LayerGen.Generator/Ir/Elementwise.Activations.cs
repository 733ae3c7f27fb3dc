namespace LayerGen.Generator.Ir;

// Activation functions, with PyTorch's gradients (also where they select rather than multiply).
internal sealed partial class Elementwise
{
    /// <summary>
    /// torch's threshold_backward(g, relu(a), 0), a select rather than g times a 0/1 mask: the gradient passes at
    /// NaN (relu(NaN) = NaN) and stops where the output is 0, even when g is NaN or ∞.
    /// </summary>
    public static readonly Elementwise Relu = new("Relu", 1, d => d.Gradient(0, d.ReluGrad(d.G, d.Y)), writtenAs: [Written.Ops]);

    /// <summary>Args (g, y): 0 where y ≤ 0, else g — Relu's gradient from its output y (torch's threshold_backward).</summary>
    public static readonly Elementwise ReluGrad = new("ReluGrad", 2, NoGradient);

    public static readonly Elementwise Tanh = new(
        "Tanh", 1,
        d => d.Gradient(0, d.Mul(d.G, d.Sub(d.Constant(1), d.Mul(d.Y, d.Y)))),
        writtenAs: [Written.Ops]);

    public static readonly Elementwise Sigmoid = new(
        "Sigmoid", 1,
        d => d.Gradient(0, d.Mul(d.G, d.Mul(d.Y, d.Sub(d.Constant(1), d.Y)))),
        writtenAs: [Written.Ops]);

    /// <summary>
    /// The exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)), torch's default (written as <c>Ops.Gelu</c>, whose tanh form
    /// Building lowers to primitives). Its gradient is torch's Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π): x·φ(x) is 0
    /// where φ underflows (product-rule terms through the forward's factors would meet g·x = ∞ there).
    /// </summary>
    public static readonly Elementwise Gelu = new("Gelu", 1, GeluGradient);

    /// <summary>x·σ(x) (torch.nn.functional.silu); gradient σ(x)·(1 + x·(1 − σ(x))), as torch's silu_backward.</summary>
    public static readonly Elementwise Silu = new(
        "Silu", 1,
        SiluGradient,
        writtenAs: [Written.Ops]);

    /// <summary>
    /// log(1 + e^(βx))/β, and x itself where βx &gt; threshold (torch.nn.functional.softplus); gradient g·σ(βx),
    /// and g where βx &gt; threshold, as torch's softplus_backward.
    /// </summary>
    public static readonly Elementwise Softplus = new(
        "Softplus", 1,
        SoftplusGradient,
        attributes: ["beta", "threshold"],
        writtenAs: [Written.Ops]);

    /// <summary>x where x &gt; 0, else negativeSlope·x; gradient g or g·negativeSlope, selected by x &gt; 0 as torch's.</summary>
    public static readonly Elementwise LeakyRelu = new(
        "LeakyRelu", 1,
        LeakyReluGradient,
        attributes: ["negativeSlope"],
        writtenAs: [Written.Ops]);

    /// <summary>
    /// x where x &gt; 0, else α·(e^x − 1); gradient g where x &gt; 0, else g·α·e^x — so NaN at a NaN x, as torch's
    /// elu_backward gives (its fixture says so).
    /// </summary>
    public static readonly Elementwise Elu = new(
        "Elu", 1,
        EluGradient,
        attributes: ["alpha"],
        writtenAs: [Written.Ops]);

    private static readonly Elementwise[] Activations = [Relu, ReluGrad, Tanh, Sigmoid, Gelu, Silu, Softplus, LeakyRelu, Elu];

    // The gradients that build nodes of other rows are methods: a field initialiser may run before another file's.
    private static void GeluGradient(VjpContext d)
    {
        int cdf = d.Mul(d.Constant(0.5), d.Add(d.Constant(1), d.Unary(Erf, d.Mul(d.X, d.Constant(1 / System.Math.Sqrt(2))))));
        int pdf = d.Mul(d.Unary(Exp, d.Mul(d.Mul(d.X, d.X), d.Constant(-0.5))), d.Constant(1 / System.Math.Sqrt(2 * System.Math.PI)));
        d.Gradient(0, d.Mul(d.G, d.Add(cdf, d.Mul(d.X, pdf))));
    }

    private static void SiluGradient(VjpContext d)
    {
        int s = d.Unary(Sigmoid, d.X);
        d.Gradient(0, d.Mul(d.G, d.Mul(s, d.Add(d.Constant(1), d.Mul(d.X, d.Sub(d.Constant(1), s))))));
    }

    private static void SoftplusGradient(VjpContext d)
    {
        int z = d.Attribute(0).Is(1) ? d.X : d.Mul(d.X, d.AttributeConstant(0));
        d.Gradient(0, d.Where(d.Binary(Greater, z, d.AttributeConstant(1)), d.G, d.Mul(d.G, d.Unary(Sigmoid, z))));
    }

    private static void LeakyReluGradient(VjpContext d) =>
        d.Gradient(0, d.Where(d.Binary(Greater, d.X, d.Constant(0)), d.G, d.Mul(d.G, d.AttributeConstant(0))));

    private static void EluGradient(VjpContext d) =>
        d.Gradient(0, d.Where(d.Binary(Greater, d.X, d.Constant(0)), d.G, d.Mul(d.G, d.Mul(d.AttributeConstant(0), d.Unary(Exp, d.X)))));
}
