using System;

namespace LayerGen;

/// <summary>
/// The eager reference for elementwise functions, as one table: each row is a name, the function and
/// its derivative written in terms of the input x and the output y (whichever is simpler).
/// </summary>
/// <remarks>
/// Values are computed in double and rounded once to float, so the reference is as accurate as a
/// float result can be; a generated kernel that differs from it is the one to suspect.
/// </remarks>
internal static class UnaryOps
{
    private sealed record Rule(string Name, Func<double, double> Forward, Func<double, double, double> Derivative);

    // relu'(0) = 0, as PyTorch's threshold_backward (gradient flows only where the output is > 0).
    private static readonly Rule ReluRule = new("ReluBackward0", x => x > 0 ? x : 0, (x, y) => x > 0 ? 1 : 0);
    private static readonly Rule TanhRule = new("TanhBackward0", Math.Tanh, (x, y) => 1 - y * y);
    private static readonly Rule SigmoidRule = new("SigmoidBackward0", x => 1 / (1 + Math.Exp(-x)), (x, y) => y * (1 - y));
    private static readonly Rule ExpRule = new("ExpBackward0", Math.Exp, (x, y) => y);
    private static readonly Rule LogRule = new("LogBackward0", Math.Log, (x, y) => 1 / x);
    private static readonly Rule NegRule = new("NegBackward0", x => -x, (x, y) => -1);

    public static Tensor Relu(Tensor x) => Apply(ReluRule, x);

    public static Tensor Tanh(Tensor x) => Apply(TanhRule, x);

    public static Tensor Sigmoid(Tensor x) => Apply(SigmoidRule, x);

    public static Tensor Exp(Tensor x) => Apply(ExpRule, x);

    public static Tensor Log(Tensor x) => Apply(LogRule, x);

    public static Tensor Negate(Tensor x) => Apply(NegRule, x);

    private static Tensor Apply(Rule rule, Tensor x)
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

    /// <summary>dx += dy * f'(x), with f' evaluated from the saved input and output.</summary>
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
                grad[i] += (float)(outputGrad[i] * rule.Derivative(x[i], _output[i]));
            }
        }
    }
}
