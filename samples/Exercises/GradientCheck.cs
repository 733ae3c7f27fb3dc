using System;
using System.Linq;
using LayerGen;

namespace Exercises;

/// <summary>
/// Compares a layer's generated backward with central finite differences of its generated forward.
/// The loss is L = Σ y·dy for a fixed random dy, so dL/dy = dy and the backward pass computes dL/dx
/// and dL/dW; the finite difference (L(v + h) − L(v − h)) / 2h estimates each of them element by element.
/// </summary>
public static class GradientCheck
{
    // The forward runs in float32: a smaller step loses digits to rounding, a larger one to curvature.
    private const float Step = 1e-2f;

    /// <summary>The largest |backward − finite difference| over the input and over each parameter.</summary>
    public static (string Name, double Largest)[] LargestDifferences(ILayer layer, Tensor x)
    {
        x.RequiresGrad = true;
        var y = layer.Call(x);
        var dy = Tensor.Randn(y.Shape.ToArray());
        layer.ZeroGrad();
        y.Backward(dy);

        var checkedTensors = new[] { ("input", x) }
            .Concat(layer.NamedParameters().Select(p => (p.Key, p.Value)));
        return checkedTensors
            .Select(t => (t.Item1, Largest(layer, x, dy, t.Item2)))
            .ToArray();
    }

    private static double Largest(ILayer layer, Tensor x, Tensor dy, Tensor target)
    {
        double largest = 0;
        for (int i = 0; i < target.Count; i++)
        {
            float original = target.Data[i];
            target.Data[i] = original + Step;
            double plus = Loss(layer, x, dy);
            target.Data[i] = original - Step;
            double minus = Loss(layer, x, dy);
            target.Data[i] = original;

            double numeric = (plus - minus) / (2 * Step);
            largest = Math.Max(largest, Math.Abs(numeric - target.Grad!.Data[i]));
        }

        return largest;
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
