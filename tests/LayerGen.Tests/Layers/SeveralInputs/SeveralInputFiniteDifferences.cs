using System;
using System.Linq;
using Xunit;

namespace LayerGen.Tests.Layers.SeveralInputs;

/// <summary>
/// <see cref="FiniteDifferences"/> for a layer of two inputs: the generated backward against central differences of
/// the generated forward, for both inputs and every parameter, with loss = Σ y·dy. The layers checked here are smooth
/// (no kinks), so the plain tolerance of that class applies (its remarks derive it).
/// </summary>
internal static class SeveralInputFiniteDifferences
{
    private const float Step = 2.5e-3f;

    public static void Check(IModule layer, Func<Tensor, Tensor, Tensor> call, Tensor a, Tensor b, double atol = 2e-3, double rtol = 1e-2)
    {
        a.RequiresGrad = true;
        b.RequiresGrad = true;
        var y = call(a, b);
        var dy = Tensor.Randn(y.Shape.ToArray());
        layer.ZeroGrad();
        y.Backward(dy);

        var targets = new[] { ("first input", a), ("second input", b) }.Concat(layer.NamedParameters().Select(p => (p.Key, p.Value))).ToList();
        foreach (var (name, tensor) in targets)
        {
            var analytic = tensor.Grad!.ToArray();
            for (int i = 0; i < tensor.Count; i++)
            {
                float original = tensor.Data[i];
                tensor.Data[i] = original + Step;
                double plus = Loss(call, a, b, dy);
                tensor.Data[i] = original - Step;
                double minus = Loss(call, a, b, dy);
                tensor.Data[i] = original;
                double numeric = (plus - minus) / (2 * Step);
                Assert.True(
                    Math.Abs(numeric - analytic[i]) <= atol + (rtol * Math.Abs(numeric)),
                    $"{layer.KernelName}: d loss / d {name}[{i}]: finite differences {numeric:G6}, generated backward {analytic[i]:G6}");
            }
        }
    }

    private static double Loss(Func<Tensor, Tensor, Tensor> call, Tensor a, Tensor b, Tensor dy)
    {
        using (GradMode.NoGrad())
        {
            var y = call(a, b);
            double sum = 0;
            for (int i = 0; i < y.Count; i++)
            {
                sum += (double)y.Data[i] * dy.Data[i];
            }

            return sum;
        }
    }
}
