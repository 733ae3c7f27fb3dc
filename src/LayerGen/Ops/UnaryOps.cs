using System;

namespace LayerGen;

/// <summary>
/// The eager reference for elementwise functions, as one table: each row is a name, the function and
/// its derivative written in terms of the input x and the output y (whichever is simpler).
/// </summary>
/// <remarks>
/// Values are computed in double and rounded once to float, so the reference is as accurate as a
/// float result can be; a generated kernel that differs from it is the one to suspect.
/// Functions with a constant (<see cref="Pow"/>, <see cref="Clamp"/>) build their row per call. The op families'
/// files (ActivationOps.cs, ...) add their rows through <see cref="Apply"/>.
/// </remarks>
internal static class UnaryOps
{
    // Selects: the derivative is 0 or 1 and selects the gradient, as PyTorch's threshold_backward and clamp_backward
    // do: where it is 0 the input gets 0 even from a NaN or infinite gradient (which a product would make NaN).
    internal sealed record Rule(string Name, Func<double, double> Forward, Func<double, double, double> Derivative, bool Selects = false);

    // relu(NaN) = NaN and relu(-0) = -0, as torch.relu. The derivative is PyTorch's threshold_backward(grad, y, 0):
    // 0 where the output is <= 0 (so at 0), else 1 (so also at NaN, where the gradient passes).
    private static readonly Rule ReluRule = new("ReluBackward0", x => x < 0 ? 0 : x, (x, y) => y <= 0 ? 0 : 1, Selects: true);
    private static readonly Rule TanhRule = new("TanhBackward0", Math.Tanh, (x, y) => 1 - y * y);
    private static readonly Rule SigmoidRule = new("SigmoidBackward0", x => 1 / (1 + Math.Exp(-x)), (x, y) => y * (1 - y));
    private static readonly Rule ExpRule = new("ExpBackward0", Math.Exp, (x, y) => y);
    private static readonly Rule LogRule = new("LogBackward0", Math.Log, (x, y) => 1 / x);
    private static readonly Rule NegRule = new("NegBackward0", x => -x, (x, y) => -1);

    // sqrt'(0) = +inf, as in PyTorch (grad / (2 * result)).
    private static readonly Rule SqrtRule = new("SqrtBackward0", Math.Sqrt, (x, y) => 0.5 / y);

    // abs'(x) = sign(x): 0 at 0, NaN at NaN, as PyTorch's abs_backward (Math.Sign would throw on NaN).
    private static readonly Rule AbsRule = new("AbsBackward0", Math.Abs, (x, y) => x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : double.NaN);

    // PyTorch implements square as pow(x, 2), hence the node's name.
    private static readonly Rule SquareRule = new("PowBackward0", x => x * x, (x, y) => 2 * x);

    // erf'(x) = 2/√π e^{−x²}.
    private static readonly Rule ErfRule = new(
        "ErfBackward0",
        SpecialFunctions.Erf,
        (x, y) => SpecialFunctions.TwoOverSqrtPi * Math.Exp(-(x * x)));

    // GELU (PyTorch's default, approximate='none'): x Φ(x) = 0.5 x (1 + erf(x / √2)), written as torch does,
    // so -∞ gives NaN (−∞ · 0) there as here. d/dx = Φ(x) + x φ(x), φ(x) = e^{−x²/2} / √(2π).
    private const double SqrtHalf = 0.70710678118654752440; // 1 / sqrt(2)
    private const double InverseSqrtTwoPi = 0.39894228040143267794; // 1 / sqrt(2 pi)
    private static readonly Rule GeluRule = new(
        "GeluBackward0",
        x => x * 0.5 * (1 + SpecialFunctions.Erf(x * SqrtHalf)),
        (x, y) => (0.5 * (1 + SpecialFunctions.Erf(x * SqrtHalf))) + (x * InverseSqrtTwoPi * Math.Exp(-0.5 * x * x)));

    // GELU, tanh approximation (PyTorch's approximate='tanh'): 0.5 x (1 + tanh(u)), u = c (x + a x^3).
    // d/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 a x^2), t = tanh(u).
    private const double GeluC = 0.79788456080286535588; // sqrt(2 / pi)
    private const double GeluA = 0.044715;
    private static readonly Rule GeluTanhRule = new(
        "GeluBackward0",
        x => 0.5 * x * (1 + Math.Tanh(GeluC * (x + GeluA * x * x * x))),
        (x, y) =>
        {
            double t = Math.Tanh(GeluC * (x + GeluA * x * x * x));
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GeluC * (1 + 3 * GeluA * x * x);
        });

    public static Tensor Relu(Tensor x) => Apply(ReluRule, x);

    public static Tensor Tanh(Tensor x) => Apply(TanhRule, x);

    public static Tensor Sigmoid(Tensor x) => Apply(SigmoidRule, x);

    public static Tensor Exp(Tensor x) => Apply(ExpRule, x);

    public static Tensor Log(Tensor x) => Apply(LogRule, x);

    public static Tensor Negate(Tensor x) => Apply(NegRule, x);

    public static Tensor Sqrt(Tensor x) => Apply(SqrtRule, x);

    public static Tensor Abs(Tensor x) => Apply(AbsRule, x);

    public static Tensor Square(Tensor x) => Apply(SquareRule, x);

    public static Tensor Erf(Tensor x) => Apply(ErfRule, x);

    /// <summary>GELU with PyTorch's <c>approximate</c> argument: "none" (exact, the default) or "tanh".</summary>
    /// <exception cref="ArgumentException"><paramref name="approximate"/> is neither.</exception>
    public static Tensor Gelu(Tensor x, string approximate) => approximate switch
    {
        "none" => Apply(GeluRule, x),
        "tanh" => Apply(GeluTanhRule, x),
        _ => throw new ArgumentException(
            $"approximate must be \"none\" (the exact GELU) or \"tanh\" (its tanh approximation), as in torch.nn.functional.gelu; got {(approximate is null ? "null" : $"\"{approximate}\"")}.",
            nameof(approximate)),
    };

    /// <summary>
    /// x^e for a constant e, with PyTorch's derivative e x^(e-1), except that e = 0 has derivative 0
    /// everywhere (PyTorch's pow_backward special case, which avoids 0 * inf at x = 0).
    /// </summary>
    public static Tensor Pow(Tensor x, float exponent)
    {
        double e = exponent;
        return Apply(new Rule("PowBackward0", v => Math.Pow(v, e), (v, y) => e == 0 ? 0 : e * Math.Pow(v, e - 1)), x);
    }

    /// <summary>
    /// min(max(x, lo), hi); when lo &gt; hi every element becomes hi (as torch.clamp). NaN stays NaN.
    /// The gradient passes where lo &lt;= x &lt;= hi, bounds included (PyTorch's clamp_backward), else it is 0, even
    /// from a NaN or infinite output gradient (a select, as there).
    /// </summary>
    public static Tensor Clamp(Tensor x, float min, float max)
    {
        double lo = min, hi = max;
        return Apply(new Rule("ClampBackward1", v => Math.Min(Math.Max(v, lo), hi), (v, y) => v >= lo && v <= hi ? 1 : 0, Selects: true), x);
    }

    internal static Tensor Apply(Rule rule, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        float[] input = x.Data;
        var output = new float[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = (float)rule.Forward(input[i]);
        }

        Tensor result = Tensor.Wrap(output, (int[])x.ShapeArray.Clone());
        if (GradMode.IsEnabled && x.RequiresGrad)
        {
            result.SetGradFn(new UnaryBackward(rule, x, result));
        }

        return result;
    }

    /// <summary>dx += dy * f'(x) (or dy where f' selects it), with f' evaluated from the saved input and output.</summary>
    private sealed class UnaryBackward(Rule rule, Tensor input, Tensor output) : GradFn(rule.Name, input)
    {
        // The output's storage is read, not the tensor itself, so the node does not keep its own
        // output tensor alive through a reference cycle.
        private readonly float[] _output = output.Data;

        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is not { } grad)
            {
                return;
            }

            float[] x = input.Data;
            for (int i = 0; i < grad.Length; i++)
            {
                double derivative = rule.Derivative(x[i], _output[i]);
                grad[i] += rule.Selects ? (derivative == 0 ? 0f : outputGrad[i]) : (float)(outputGrad[i] * derivative);
            }
        }
    }
}
