using System;
using System.Linq;
using Xunit;

namespace LayerGen.Tests.Layers.BatchedMatMul;

/// <summary>
/// Finite differences for a layer of any number of inputs: the generated backward against central differences of the
/// generated forward, for every input and parameter, with loss = Σ y·dy. The layers checked are smooth, so the plain
/// tolerance of <see cref="FiniteDifferences"/> applies (its remarks derive it).
/// </summary>
internal static class BatchedFiniteDifferences
{
    private const float Step = 2.5e-3f;

    public static void Check(IModule layer, Func<Tensor[], Tensor> call, Tensor[] inputs, double atol = 2e-3, double rtol = 1e-2)
    {
        foreach (var input in inputs)
        {
            input.Grad = null;
            input.RequiresGrad = true;
        }

        var y = call(inputs);
        var dy = Tensor.Randn(y.Shape.ToArray());
        layer.ZeroGrad();
        y.Backward(dy);

        var targets = inputs.Select((t, i) => ($"input {i}", t)).Concat(layer.NamedParameters().Select(p => (p.Key, p.Value))).ToList();
        foreach (var (name, tensor) in targets)
        {
            var analytic = tensor.Grad!.ToArray();
            for (int i = 0; i < tensor.Count; i++)
            {
                float original = tensor.Data[i];
                tensor.Data[i] = original + Step;
                double plus = Loss(call, inputs, dy);
                tensor.Data[i] = original - Step;
                double minus = Loss(call, inputs, dy);
                tensor.Data[i] = original;
                double numeric = (plus - minus) / (2 * Step);
                Assert.True(
                    Math.Abs(numeric - analytic[i]) <= atol + (rtol * Math.Abs(numeric)),
                    $"{layer.KernelName}: d loss / d {name}[{i}]: finite differences {numeric:G6}, generated backward {analytic[i]:G6}");
            }
        }
    }

    private static double Loss(Func<Tensor[], Tensor> call, Tensor[] inputs, Tensor dy)
    {
        using (GradMode.NoGrad())
        {
            var y = call(inputs);
            double sum = 0;
            for (int i = 0; i < y.Count; i++)
            {
                sum += (double)y.Data[i] * dy.Data[i];
            }

            return sum;
        }
    }
}
