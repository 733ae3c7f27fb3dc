using System;
using System.Linq;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Checks a layer's generated backward against central finite differences of its generated forward,
/// for the input and every parameter, with loss = Σ y·dy for a fixed random dy.
/// </summary>
/// <remarks>
/// The forward runs in float32; only the outputs the perturbed element reaches change, so the
/// quotient's rounding error is about ε_float·|Σ affected y·dy|/h ≈ 6e-8·5/2.5e-3 ≈ 1e-4, and the
/// truncation error (h² times the third derivative) is far below that. 2e-3 absolute + 1e-2 relative
/// leaves room for both and still catches a wrong rule, which is off by O(|dy|).
/// Near a kink (relu, abs, clamp, max, where) the central quotient is off by up to half the
/// disagreement of the one-sided quotients, which is added to the tolerance; on smooth stretches that
/// disagreement is only h times the second derivative. At most a quarter of the elements may sit on
/// kinks, so the check keeps its coverage.
/// </remarks>
internal static class FiniteDifferences
{
    private const float Step = 2.5e-3f;

    public static void Check(ILayer layer, Tensor x, double atol = 2e-3, double rtol = 1e-2)
    {
        x.RequiresGrad = true;
        var y = layer.Call(x);
        var dy = Tensor.Randn(y.Shape.ToArray());
        layer.ZeroGrad();
        y.Backward(dy);

        int kinks = 0, checkedCount = 0;
        var targets = new[] { ("input", x) }.Concat(layer.NamedParameters().Select(p => (p.Key, p.Value))).ToList();
        foreach (var (name, tensor) in targets)
        {
            var analytic = tensor.Grad!.Data;
            for (int i = 0; i < tensor.Count; i++)
            {
                var (numeric, allowance) = Derivative(layer, x, dy, tensor, i);
                if (allowance > 0.05)
                {
                    kinks++;
                }

                checkedCount++;
                Assert.True(
                    Math.Abs(numeric - analytic[i]) <= atol + (rtol * Math.Abs(numeric)) + allowance,
                    $"{layer.KernelName}: d loss / d {name}[{i}]: finite differences {numeric:G6} (± {allowance:G3} for a kink), generated backward {analytic[i]:G6}");
            }
        }

        Assert.True(kinks * 4 <= checkedCount, $"{layer.KernelName}: {kinks} of {checkedCount} elements sat on kinks; the check lost its coverage");
    }

    /// <summary>
    /// The central difference, and how far a kink inside the step could have moved it: with a kink at
    /// distance d &lt; h the one-sided quotients disagree by J·(h − d)/h for a jump J in slope, and the
    /// central one is off by half that.
    /// </summary>
    private static (double Value, double Allowance) Derivative(ILayer layer, Tensor x, Tensor dy, Tensor tensor, int i)
    {
        float original = tensor.Data[i];
        double At(float offset)
        {
            tensor.Data[i] = original + offset;
            double loss = Loss(layer, x, dy);
            tensor.Data[i] = original;
            return loss;
        }

        double centre = At(0f);
        double plus = At(Step), minus = At(-Step);
        double disagreement = Math.Abs(((plus - centre) - (centre - minus)) / Step);
        return ((plus - minus) / (2 * Step), disagreement / 2);
    }

    private static double Loss(ILayer layer, Tensor x, Tensor dy)
    {
        using (GradMode.NoGrad())
        {
            var y = layer.Call(x);
            double sum = 0;
            for (int i = 0; i < y.Count; i++)
            {
                sum += (double)y.Data[i] * dy.Data[i];
            }

            return sum;
        }
    }
}
