using System;
using System.Collections.Generic;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// Every eager op's backward against central finite differences of its forward.
/// </summary>
/// <remarks>
/// The check: L(inputs) = sum_i w_i * f(inputs)_i with fixed random weights w (so that every output
/// element and every Jacobian entry matters), analytic dL/dx from Backward, numeric
/// (L(x + h) - L(x - h)) / (2h) per input element.
/// Tolerances for a float32 forward: L is accumulated in double from float outputs, so its only
/// rounding is the forward's own, about 6e-8 relative per output element; with |L| of order 10 and
/// 2h = 2e-2 that is at most ~1e-4 in the quotient. The truncation error of the central difference is
/// h^2 |f'''| / 6, about 2e-5 for these smooth ops on |x| &lt;= 2. The step itself is taken as the
/// float difference actually applied ((float)(x+h) - (float)(x-h)), so the input rounding adds nothing.
/// Hence |numeric - analytic| &lt;= 1e-3 + 1e-2 |analytic|: ten times the worst expected error, yet far
/// below the size of a real mistake (a wrong sign, a missing factor or term is O(|analytic|)).
/// Inputs keep away from kinks and poles (relu at 0, log and division near 0) by more than h.
/// </remarks>
public sealed class GradCheckTests
{
    private const float Step = 1e-2f;
    private const double Atol = 1e-3, Rtol = 1e-2;

    public static TheoryData<string> Cases() => new(Functions.Keys);

    // name -> (input shapes and ranges, function). Ranges (lo, hi) keep inputs in the op's smooth region.
    private static readonly Dictionary<string, (Spec[] Inputs, Func<Tensor[], Tensor> F)> Functions = new()
    {
        ["add"] = ([new([3, 4]), new([3, 4])], x => x[0] + x[1]),
        ["add broadcast row"] = ([new([3, 4]), new([4])], x => x[0] + x[1]),
        ["sub broadcast column"] = ([new([3, 4]), new([3, 1])], x => x[0] - x[1]),
        ["mul broadcast both"] = ([new([3, 1]), new([1, 4])], x => x[0] * x[1]),
        ["mul same tensor"] = ([new([2, 3])], x => x[0] * x[0]),
        ["div"] = ([new([2, 3]), new([2, 3], 0.5, 2)], x => x[0] / x[1]),
        ["div broadcast 3d"] = ([new([2, 1, 3]), new([4, 1], 0.5, 2)], x => x[0] / x[1]),
        ["scalar add sub"] = ([new([4])], x => 3f - (x[0] + 2f) - 1f),
        ["scalar mul div"] = ([new([4], 0.5, 2)], x => 2f * (x[0] * 3f) / 4f + 1f / x[0]),
        ["neg"] = ([new([2, 2])], x => -x[0]),
        ["relu"] = ([new([3, 5], Away: 0.1)], x => Ops.Relu(x[0])),
        ["tanh"] = ([new([3, 5])], x => Ops.Tanh(x[0])),
        ["sigmoid"] = ([new([3, 5])], x => Ops.Sigmoid(x[0])),
        ["exp"] = ([new([3, 5], -1.5, 1.5)], x => Ops.Exp(x[0])),
        ["log"] = ([new([3, 5], 0.5, 3)], x => Ops.Log(x[0])),
        ["matmul 2d"] = ([new([3, 4]), new([4, 2])], x => x[0].MatMul(x[1])),
        ["matmul 3d x 2d"] = ([new([2, 3, 4]), new([4, 2])], x => x[0].MatMul(x[1])),
        ["matmul matrix vector"] = ([new([3, 4]), new([4])], x => x[0].MatMul(x[1])),
        ["matmul vector matrix"] = ([new([4]), new([4, 2])], x => Ops.MatMul(x[0], x[1])),
        ["matmul dot"] = ([new([5]), new([5])], x => x[0].MatMul(x[1])),
        ["transpose 2d"] = ([new([3, 4])], x => x[0].T),
        ["transpose 3d"] = ([new([2, 3, 4])], x => x[0].Transpose(0, 2)),
        ["reshape"] = ([new([2, 6])], x => x[0].Reshape(3, -1) * Tensor.Arange(4)),
        ["sum"] = ([new([3, 4])], x => x[0].Sum()),
        ["sum axis"] = ([new([2, 3, 4])], x => x[0].Sum(1)),
        ["sum last keepdim"] = ([new([2, 3, 4])], x => x[0].Sum(-1, keepDim: true)),
        ["mean"] = ([new([3, 4])], x => x[0].Mean()),
        ["mean axis 0"] = ([new([3, 4])], x => x[0].Mean(0)),
        ["mean last keepdim"] = ([new([2, 3, 4])], x => x[0].Mean(-1, keepDim: true)),
        ["centered"] = ([new([4, 8])], x => x[0] - x[0].Mean()),
        ["my linear"] = ([new([2, 5]), new([5, 3]), new([3])], x => Ops.Relu(x[0].MatMul(x[1]) + x[2])),
        ["softmax by parts"] = ([new([2, 4])], x => Ops.Exp(x[0]) / Ops.Exp(x[0]).Sum(-1, keepDim: true)),
        ["chain and fan-out"] = ([new([3])], x => Ops.Tanh(x[0]) * Ops.Sigmoid(x[0]) + x[0] * 0.5f),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_central_differences(string name)
    {
        (Spec[] specs, Func<Tensor[], Tensor> f) = Functions[name];
        var random = new Random(name.Length * 7919 + name[0]); // deterministic per case
        Tensor[] inputs = Array.ConvertAll(specs, s => s.Sample(random));
        foreach (Tensor input in inputs)
        {
            input.RequiresGrad = true;
        }

        Tensor output = f(inputs);
        var weights = new float[output.Count];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() * 2 - 1);
        }

        output.Backward(Tensor.FromBuffer(weights, output.Shape.ToArray()));

        for (int k = 0; k < inputs.Length; k++)
        {
            float[] x = inputs[k].Data;
            float[] analytic = inputs[k].Grad!.Data;
            for (int i = 0; i < x.Length; i++)
            {
                float original = x[i];
                float plus = original + Step, minus = original - Step;
                x[i] = plus;
                double up = Loss(f, inputs, weights);
                x[i] = minus;
                double down = Loss(f, inputs, weights);
                x[i] = original;

                double numeric = (up - down) / ((double)plus - minus);
                double error = Math.Abs(numeric - analytic[i]);
                Assert.True(error <= Atol + Rtol * Math.Abs(analytic[i]),
                    $"{name}: input {k} element {i}: analytic {analytic[i]:G6}, numeric {numeric:G6}");
            }
        }
    }

    private static double Loss(Func<Tensor[], Tensor> f, Tensor[] inputs, float[] weights)
    {
        using (GradMode.NoGrad())
        {
            float[] y = f(inputs).Data;
            double loss = 0;
            for (int i = 0; i < y.Length; i++)
            {
                loss += (double)weights[i] * y[i];
            }

            return loss;
        }
    }

    /// <summary>An input: its shape and the interval its values are drawn from, avoiding (-Away, Away).</summary>
    private sealed record Spec(int[] Shape, double Low = -2, double High = 2, double Away = 0)
    {
        public Tensor Sample(Random random)
        {
            var t = new Tensor(Shape);
            for (int i = 0; i < t.Count; i++)
            {
                double v;
                do
                {
                    v = Low + (High - Low) * random.NextDouble();
                }
                while (Math.Abs(v) < Away);

                t.Data[i] = (float)v;
            }

            return t;
        }
    }
}
