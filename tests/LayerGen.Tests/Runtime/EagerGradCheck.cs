using System;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// The finite-difference check of the eager ops' backward (<see cref="EagerGradientTests"/>: table cases and
/// CsCheck properties over random shapes), and the samplers its inputs come from.
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
/// Callers keep inputs more than h away from kinks and poles (relu and abs at 0, log and division near
/// 0, clamp bounds, ties of max), so that no difference quotient straddles one. Defaults: atol 1e-3, rtol 1e-2.
/// </remarks>
internal static class EagerGradCheck
{
    public const float Step = 1e-2f;

    /// <summary>Asserts that every input's gradient from Backward matches central differences of <paramref name="f"/>.</summary>
    public static void Check(string name, Func<Tensor[], Tensor> f, Tensor[] inputs, Random random, double atol = 1e-3, double rtol = 1e-2)
    {
        foreach (Tensor input in inputs)
        {
            input.RequiresGrad = true;
            input.Grad = null;
        }

        Tensor output = f(inputs);
        var weights = new float[output.Count];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() * 2 - 1);
        }

        if (output.Count == 0)
        {
            return; // nothing flows back; shapes were still exercised
        }

        output.Backward(Tensor.FromBuffer(weights, output.Shape.ToArray()));

        for (int k = 0; k < inputs.Length; k++)
        {
            float[] x = inputs[k].Data;
            float[] analytic = inputs[k].Grad?.Data ?? new float[x.Length]; // an input the output ignores gets no buffer
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
                Assert.True(error <= atol + rtol * Math.Abs(analytic[i]),
                    $"{name}: input {k} element {i}: analytic {analytic[i]:G6}, numeric {numeric:G6}");
            }
        }
    }

    /// <summary>A tensor of <paramref name="shape"/> with values uniform in [low, high), avoiding (-away, away).</summary>
    public static Tensor Uniform(Random random, int[] shape, double low = -2, double high = 2, double away = 0)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Count; i++)
        {
            double v;
            do
            {
                v = low + (high - low) * random.NextDouble();
            }
            while (Math.Abs(v) < away);

            t.Data[i] = (float)v;
        }

        return t;
    }

    /// <summary>
    /// A tensor of distinct values at least 0.1 apart (a shuffled grid, offset by <paramref name="parity"/> * 0.1),
    /// so that max/min and comparisons have no ties within the finite-difference step. Two tensors of
    /// different parity never share a value either.
    /// </summary>
    public static Tensor Separated(Random random, int[] shape, int parity = 0)
    {
        var t = new Tensor(shape);
        int[] order = new int[t.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        random.Shuffle(order);
        for (int i = 0; i < order.Length; i++)
        {
            t.Data[i] = (float)(0.2 * (order[i] - order.Length / 2) + 0.1 * parity);
        }

        return t;
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
}
