using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>Where a test draws values from: uniform on [Low, High], rejecting |v| &lt; Away (to keep off kinks and poles).</summary>
internal sealed record Spec(double Low = -1.5, double High = 1.5, double Away = 0)
{
    public static readonly Spec Default = new();

    public void Fill(Random random, Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double v;
            do
            {
                v = Low + (High - Low) * random.NextDouble();
            }
            while (Math.Abs(v) < Away);

            values[i] = (float)v;
        }
    }
}

/// <summary>One tensor's gradient two ways: the generated backward's and central differences of the generated forward.</summary>
internal sealed record GradientPair(string Name, float[] Analytic, double[] Numeric)
{
    /// <summary>The tensor's own scale, for a scale-aware absolute tolerance: max |numeric|, at least 1.</summary>
    public double Scale => Math.Max(1.0, Numeric.Length == 0 ? 0 : Numeric.Max(Math.Abs));

    /// <summary>The worst element's error as a fraction of its allowance (≤ 1 passes).</summary>
    public (double Ratio, int Index, double AbsError) Worst(double atol, double rtol)
    {
        double worst = 0, absError = 0;
        int index = -1;
        for (int i = 0; i < Numeric.Length; i++)
        {
            double error = Math.Abs(Analytic[i] - Numeric[i]);
            double ratio = error / (atol * Scale + rtol * Math.Abs(Numeric[i]));
            if (double.IsNaN(ratio) || ratio > worst)
            {
                worst = double.IsNaN(ratio) ? double.PositiveInfinity : ratio;
                index = i;
                absError = error;
            }
        }

        return (worst, index, absError);
    }
}

/// <summary>
/// Gradient checks of generated layers: the loss is L = Σ y·dy with a fixed random dy, accumulated in
/// double from the float outputs of the generated forward (<see cref="ILayer.Call"/> under no-grad);
/// the analytic gradients come from the generated backward (Call, then <see cref="Tensor.Backward(Tensor, bool)"/>).
/// </summary>
/// <remarks>
/// <para>Step h = 1e-2 (<see cref="Step"/>). The forward is float32, so L carries rounding noise of about
/// ε·Σ|y·dy| (ε = 6e-8; at most ~1e-5 for these layers) which the quotient amplifies by 1/(2h) = 50 to at
/// most ~5e-4 of the gradient's scale (typically far less: only the outputs the perturbed element reaches
/// change); the truncation error h²·|f'''|/6 = 2e-5·|f'''| is at most ~2e-4 relative for the steepest
/// case (e/x with |x| ≥ 0.5). At h = 1e-3 the noise term alone grows tenfold.</para>
/// <para>Tolerance: |analytic - numeric| ≤ <see cref="Atol"/>·scale + <see cref="Rtol"/>·|numeric|, scale =
/// the tensor's largest |numeric| (at least 1), i.e. |diff| / (scale + |numeric|) ≤ 1e-3. Measured worst of
/// that ratio: 2.0e-4 (VjpDiv, truncation), 1e-6..5e-5 for every other rule on both kernels
/// (GeneratedGradientTests prints it per case), and 1.0e-4 over 600 random composite samples
/// (CompositePropertyTests, shapes up to 9 × 33). So the bound is 5× the worst measured, yet a real
/// mistake (wrong sign, missing factor or broadcast term, a lost contribution) is O(1) relative.</para>
/// </remarks>
internal static class LayerGradCheck
{
    /// <summary>The finite-difference step (see remarks).</summary>
    public const float Step = 1e-2f;

    /// <summary>Absolute tolerance as a fraction of the tensor's scale (see remarks).</summary>
    public const double Atol = 1e-3;

    /// <summary>Relative tolerance (see remarks).</summary>
    public const double Rtol = 1e-3;

    /// <summary>L = Σ y·dy of one generated forward, in double.</summary>
    public static double Loss(Func<Tensor, Tensor> forward, Tensor x, float[] dy)
    {
        using (GradMode.NoGrad())
        {
            float[] y = forward(x).Data;
            Assert.Equal(dy.Length, y.Length);
            double loss = 0;
            for (int i = 0; i < y.Length; i++)
            {
                loss += (double)y[i] * dy[i];
            }

            return loss;
        }
    }

    /// <summary>
    /// Central differences of <see cref="Loss"/> with respect to every element of <paramref name="values"/>
    /// (the input's or a parameter's storage, perturbed in place and restored). The divisor is the step
    /// actually taken in float, so rounding the perturbed input adds no error.
    /// </summary>
    public static double[] Numeric(Func<Tensor, Tensor> forward, Tensor x, float[] dy, float[] values, float step = Step)
    {
        var gradient = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float original = values[i];
            float plus = original + step, minus = original - step;
            values[i] = plus;
            double up = Loss(forward, x, dy);
            values[i] = minus;
            double down = Loss(forward, x, dy);
            values[i] = original;
            gradient[i] = (up - down) / ((double)plus - minus);
        }

        return gradient;
    }

    /// <summary>Fills the input and every parameter of <paramref name="layer"/> from <paramref name="random"/>.</summary>
    public static Tensor Prepare(ILayer layer, int[] inputShape, Random random, Spec input, IReadOnlyDictionary<string, Spec>? parameters = null)
    {
        foreach (var (name, parameter) in layer.NamedParameters())
        {
            (parameters is not null && parameters.TryGetValue(name, out var spec) ? spec : Spec.Default).Fill(random, parameter.Data);
        }

        var x = new Tensor(inputShape);
        input.Fill(random, x.Data);
        return x;
    }

    /// <summary>Random output gradient dy for <paramref name="forward"/> on <paramref name="x"/>, uniform on [-1, 1].</summary>
    public static float[] OutputGradient(Func<Tensor, Tensor> forward, Tensor x, Random random)
    {
        int count;
        using (GradMode.NoGrad())
        {
            count = forward(x).Count;
        }

        var dy = new float[count];
        new Spec(-1, 1).Fill(random, dy);
        return dy;
    }

    /// <summary>
    /// Analytic gradients of L for the input and every parameter of <paramref name="layer"/>, from one
    /// generated backward through <paramref name="forward"/> (which may call the layer more than once),
    /// paired with their central differences.
    /// </summary>
    public static List<GradientPair> Compare(ILayer layer, Func<Tensor, Tensor> forward, Tensor x, float[] dy, float step = Step)
    {
        layer.ZeroGrad();
        x.Grad = null;
        x.RequiresGrad = true;
        Tensor y = forward(x);
        y.Backward(Tensor.From((float[])dy.Clone(), y.Shape.ToArray()));

        var pairs = new List<GradientPair> { new("input", (float[])x.Grad!.Data.Clone(), Numeric(forward, x, dy, x.Data, step)) };
        foreach (var (name, parameter) in layer.NamedParameters())
        {
            Assert.True(parameter.Grad is not null, $"{layer.KernelName}: the backward left {name}.Grad null");
            pairs.Add(new(name, (float[])parameter.Grad!.Data.Clone(), Numeric(forward, x, dy, parameter.Data, step)));
        }

        return pairs;
    }

    /// <summary>
    /// Fails unless every element satisfies |analytic - numeric| ≤ atol·scale + rtol·|numeric|, where
    /// scale is the tensor's largest |numeric| (at least 1), and says which element is worst.
    /// </summary>
    public static void AssertClose(string what, IEnumerable<GradientPair> pairs, double atol = Atol, double rtol = Rtol)
    {
        var failures = new StringBuilder();
        foreach (var pair in pairs)
        {
            var (ratio, index, absError) = pair.Worst(atol, rtol);
            if (ratio > 1)
            {
                failures.AppendLine(string.Format(
                    CultureInfo.InvariantCulture,
                    "  d/d{0}[{1}]: analytic {2:G7}, numeric {3:G7}, |diff| {4:G3} > {5:G3}·{6:G3} + {7:G3}·|numeric|",
                    pair.Name, index, pair.Analytic[index], pair.Numeric[index], absError, atol, pair.Scale, rtol));
            }
        }

        if (failures.Length > 0)
        {
            Assert.Fail($"{what}: the generated backward disagrees with central differences of the generated forward:\n{failures}");
        }
    }

    /// <summary>For measuring tolerances: the worst |diff| / (scale + |numeric|) over all pairs (a pure relative error when atol = rtol).</summary>
    public static double WorstMixedError(IEnumerable<GradientPair> pairs) =>
        pairs.Max(p => p.Worst(1, 1).Ratio);
}
