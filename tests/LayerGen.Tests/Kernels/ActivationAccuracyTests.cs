using System;
using LayerGen.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// The error of the generated kernels' Softplus, SiLU, ELU, sine and cosine (<see cref="KernelMath"/>'s scalar
/// forms, which give every vector lane's bits: <see cref="KernelMathFormsTests"/>) against double precision, over a
/// sweep of [−40, 40] every 1e-3 and random values; docs/ops.md states the bounds asserted here.
/// </summary>
public sealed class ActivationAccuracyTests(ITestOutputHelper output)
{
    [Fact]
    public void Softplus_is_within_three_and_a_half_ulp() =>
        AssertWithin("softplus", x => KernelMath.Softplus(x, 1f, 20f), x => x > 20 ? x : Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x))), 3.5, -40f, 40f);

    [Fact]
    public void Silu_is_within_two_and_a_half_ulp() =>
        AssertWithin("silu", KernelMath.Silu, x => x / (1 + Math.Exp(-x)), 2.5, -40f, 40f);

    [Fact]
    public void Elu_is_within_one_and_a_half_ulp() =>
        AssertWithin("elu", x => KernelMath.Elu(x, 1f), x => x > 0 ? x : Expm1(x), 1.5, -40f, 40f);

    [Fact]
    public void Sin_and_cos_are_correctly_rounded_also_for_large_arguments()
    {
        AssertWithin("sin", KernelMath.Sin, Math.Sin, 0.501, -2e6f, 2e6f);
        AssertWithin("cos", KernelMath.Cos, Math.Cos, 0.501, -2e6f, 2e6f);
    }

    // log(1 + u) and e^x − 1 without the cancellation that would make the reference itself wrong near 0.
    private static double Log1p(double u) => u < 1e-4 ? u - (u * u / 2) + (u * u * u / 3) : Math.Log(1 + u);

    private static double Expm1(double x) => Math.Abs(x) < 1e-4 ? x + (x * x / 2) + (x * x * x / 6) + (x * x * x * x / 24) : Math.Exp(x) - 1;

    private void AssertWithin(string name, Func<float, float> ours, Func<double, double> exact, double ulps, float from, float to)
    {
        var random = new Random(1234);
        double worst = 0;
        float worstAt = 0;
        void Check(float x)
        {
            double e = exact(x);
            float f = (float)e;
            double ulp = f == 0 || !float.IsFinite(f) ? float.Epsilon : MathF.BitIncrement(MathF.Abs(f)) - MathF.Abs(f);
            double error = Math.Abs(ours(x) - e) / Math.Max(ulp, float.Epsilon);
            if (error > worst)
            {
                (worst, worstAt) = (error, x);
            }
        }

        double step = Math.Max(1e-3, (to - from) / 200_000.0);
        for (double x = from; x <= to; x += step)
        {
            Check((float)x);
        }

        for (int i = 0; i < 200_000; i++)
        {
            Check((float)(from + ((to - from) * random.NextDouble())));
            Check((float)((random.NextDouble() - 0.5) * 8));
        }

        output.WriteLine($"{name}: largest error {worst:F3} ulp at x = {worstAt:R}");
        Assert.True(worst <= ulps, $"{name}: {worst:F3} ulp at x = {worstAt:R}, more than {ulps}");
    }
}
