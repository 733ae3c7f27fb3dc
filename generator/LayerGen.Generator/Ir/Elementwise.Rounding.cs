namespace LayerGen.Generator.Ir;

// Piecewise-constant functions: their gradient is zero (torch gives zeros, even from a NaN or infinite g).
internal sealed partial class Elementwise
{
    public static readonly Elementwise Floor = new("Floor", 1, NoGradient, writtenAs: [Written.Ops, Written.Method]);

    public static readonly Elementwise Ceil = new("Ceil", 1, NoGradient, writtenAs: [Written.Ops, Written.Method]);

    /// <summary>To the nearest whole number, halves to even (torch.round).</summary>
    public static readonly Elementwise Round = new("Round", 1, NoGradient, writtenAs: [Written.Ops, Written.Method]);

    /// <summary>−1, 0 or 1 (0 at NaN, as torch.sign); also the derivative of Abs.</summary>
    public static readonly Elementwise Sign = new("Sign", 1, NoGradient, writtenAs: [Written.Ops, Written.Method]);

    private static readonly Elementwise[] Rounding = [Floor, Ceil, Round, Sign];
}
