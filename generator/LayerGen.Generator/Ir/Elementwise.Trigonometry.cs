namespace LayerGen.Generator.Ir;

// Sine and cosine.
internal sealed partial class Elementwise
{
    public static readonly Elementwise Sin = new("Sin", 1, SinGradient, writtenAs: [Written.Ops, Written.Method]);

    public static readonly Elementwise Cos = new("Cos", 1, CosGradient, writtenAs: [Written.Ops, Written.Method]);

    private static readonly Elementwise[] Trigonometry = [Sin, Cos];

    private static void SinGradient(VjpContext d) => d.Gradient(0, d.Mul(d.G, d.Unary(Cos, d.X)));

    // torch's cos backward: g·(−sin x).
    private static void CosGradient(VjpContext d) => d.Gradient(0, d.Neg(d.Mul(d.G, d.Unary(Sin, d.X))));
}
