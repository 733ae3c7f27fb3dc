using System;
using System.Linq;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Checks a layer's generated backward against central finite differences of its generated forward,
/// for the input and every parameter, with loss = Σ y·dy for a fixed random dy.
/// </summary>
/// <remarks>
/// The forward runs in float32, so the difference quotient carries a rounding error of about
/// ε_float·|loss|/h ≈ 6e-8·10/1e-2 ≈ 6e-5 plus a truncation error O(h²·f''') ≈ 1e-4 for these smooth
/// layers; 2e-3 absolute + 1e-2 relative leaves room for both and still catches a wrong rule
/// (which is off by O(1)).
/// </remarks>
internal static class FiniteDifferences
{
    private const float Step = 1e-2f;

    public static void Check(ILayer layer, Tensor x, double atol = 2e-3, double rtol = 1e-2)
    {
        x.RequiresGrad = true;
        var y = layer.Call(x);
        var dy = Tensor.Randn(y.Shape.ToArray());
        layer.ZeroGrad();
        y.Backward(dy);

        var targets = new[] { ("input", x) }.Concat(layer.NamedParameters().Select(p => (p.Key, p.Value))).ToList();
        foreach (var (name, tensor) in targets)
        {
            var analytic = tensor.Grad!.Data;
            for (int i = 0; i < tensor.Count; i++)
            {
                float original = tensor.Data[i];
                tensor.Data[i] = original + Step;
                double plus = Loss(layer, x, dy);
                tensor.Data[i] = original - Step;
                double minus = Loss(layer, x, dy);
                tensor.Data[i] = original;
                double numeric = (plus - minus) / (2 * Step);
                Assert.True(
                    Math.Abs(numeric - analytic[i]) <= atol + (rtol * Math.Abs(numeric)),
                    $"{layer.KernelName}: d loss / d {name}[{i}]: finite differences {numeric:G6}, generated backward {analytic[i]:G6}");
            }
        }
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
