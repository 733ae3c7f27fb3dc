using System;
using System.Linq;
using Xunit;

namespace LayerGen.Tests.Layers.Ids;

/// <summary>
/// The generated backward of a layer taking ids against central finite differences of its generated forward, for every
/// parameter (ids have no gradient), with loss = Σ y·dy for a fixed random dy; the tolerances are
/// <see cref="FiniteDifferences"/>'s (float32 forward, step 2.5e-3).
/// </summary>
internal static class IdsFiniteDifferences
{
    private const float Step = 2.5e-3f;

    public static void Check(IModule layer, Func<Tensor> call, double atol = 2e-3, double rtol = 1e-2)
    {
        Tensor y = call();
        Tensor dy = Tensor.Randn(y.Shape.ToArray());
        layer.ZeroGrad();
        y.Backward(dy);
        double Loss() => call().Data.Zip(dy.Data, (a, b) => (double)a * b).Sum();
        foreach (var (name, parameter) in layer.NamedParameters())
        {
            float[] analytic = parameter.Grad!.Data.ToArray();
            for (int i = 0; i < parameter.Count; i++)
            {
                float saved = parameter.Data[i];
                parameter.Data[i] = saved + Step;
                double plus = Loss();
                parameter.Data[i] = saved - Step;
                double minus = Loss();
                parameter.Data[i] = saved;
                double numeric = (plus - minus) / (2 * Step);
                Assert.True(
                    Math.Abs(numeric - analytic[i]) <= atol + (rtol * Math.Abs(numeric)),
                    $"d loss / d {name}[{i}]: finite differences {numeric:G6}, generated backward {analytic[i]:G6}");
            }
        }
    }
}
