using System;
using System.Linq;
using System.Numerics;
using System.Runtime.Intrinsics;
using LayerGen.Kernels;
using Xunit;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// The selecting kernel helpers on NaN, ±∞, ±0 and ordinary values, in all three forms — scalar (loop tails),
/// <see cref="Vector{T}"/> (every lane) and <see cref="Vector512{T}"/> (the wide pass of AVX-512 machines, which
/// this test runs in software elsewhere) — against PyTorch's rules written out in double precision.
/// </summary>
public sealed class KernelMathSpecialValueTests
{
    private static readonly float[] Values =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1f, -1f, 2.5f, -2.5f,
        float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 0.5f, -0.5f,
    ];

    /// <summary>torch.relu: NaN stays NaN.</summary>
    private static double Relu(double x) => double.IsNaN(x) ? x : Math.Max(x, 0);

    /// <summary>threshold_backward(g, y, 0): 0 where y ≤ 0, else g (so g where y is NaN).</summary>
    private static double ReluGrad(double g, double y) => y <= 0 ? 0 : g;

    /// <summary>torch.maximum / torch.minimum: NaN if either operand is NaN.</summary>
    private static double Maximum(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b);

    private static double Minimum(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Min(a, b);

    [Fact]
    public void Relu_keeps_NaN_in_every_form() =>
        CheckUnary(KernelMath.Relu, KernelMath.Relu, KernelMath.Relu, Relu, "relu");

    [Fact]
    public void ReluGrad_passes_at_NaN_and_stops_even_a_NaN_gradient_at_zero() =>
        CheckBinary(KernelMath.ReluGrad, KernelMath.ReluGrad, KernelMath.ReluGrad, ReluGrad, "reluGrad");

    [Fact]
    public void Maximum_and_minimum_are_NaN_when_either_operand_is()
    {
        CheckBinary(KernelMath.Maximum, KernelMath.Maximum, KernelMath.Maximum, Maximum, "maximum");
        CheckBinary(KernelMath.Minimum, KernelMath.Minimum, KernelMath.Minimum, Minimum, "minimum");
    }

    /// <summary>torch.clamp: NaN stays NaN; min &gt; max gives max everywhere. Its gradient mask is 0 at NaN.</summary>
    [Theory]
    [InlineData(-0.5f, 0.5f)]
    [InlineData(0f, 1f)]
    [InlineData(0.5f, -0.5f)]
    [InlineData(float.NegativeInfinity, 0f)]
    [InlineData(-1f, float.PositiveInfinity)]
    public void Clamp_keeps_NaN_and_gives_max_when_min_is_above_it(float min, float max)
    {
        CheckUnary(
            x => KernelMath.Clamp(x, min, max),
            x => KernelMath.Clamp(x, min, max),
            x => KernelMath.Clamp(x, min, max),
            x => double.IsNaN(x) ? x : Math.Min(Math.Max(x, min), max),
            $"clamp[{min}, {max}]");
        CheckUnary(
            x => KernelMath.InRange(x, min, max),
            x => KernelMath.InRange(x, min, max),
            x => KernelMath.InRange(x, min, max),
            x => x >= min && x <= max ? 1 : 0,
            $"inRange[{min}, {max}]");
    }

    /// <summary>Every value through the three forms, each in every lane position.</summary>
    private static void CheckUnary(
        Func<float, float> scalar,
        Func<Vector<float>, Vector<float>> vector,
        Func<Vector512<float>, Vector512<float>> wide,
        Func<double, double> expected,
        string name) =>
        CheckBinary((a, _) => scalar(a), (a, _) => vector(a), (a, _) => wide(a), (a, _) => expected(a), name);

    /// <summary>Every pair of values through the three forms; the pairs are rotated through the lanes.</summary>
    private static void CheckBinary(
        Func<float, float, float> scalar,
        Func<Vector<float>, Vector<float>, Vector<float>> vector,
        Func<Vector512<float>, Vector512<float>, Vector512<float>> wide,
        Func<double, double, double> expected,
        string name)
    {
        var pairs = (from x in Values from y in Values select (x, y)).ToArray();
        var a = new float[Vector512<float>.Count];
        var b = new float[Vector512<float>.Count];
        for (int start = 0; start < pairs.Length; start++)
        {
            for (int lane = 0; lane < a.Length; lane++)
            {
                (a[lane], b[lane]) = pairs[(start + lane) % pairs.Length];
            }

            var lanes = vector(new Vector<float>(a), new Vector<float>(b));
            var wideLanes = wide(Vector512.Create(a), Vector512.Create(b));
            for (int lane = 0; lane < a.Length; lane++)
            {
                string what = $"{name}({a[lane]:R}, {b[lane]:R})";
                double e = expected(a[lane], b[lane]);
                float s = scalar(a[lane], b[lane]);
                Assert.True(Same((float)e, s), $"{what}: scalar {s:R}, expected {e:R}");
                Assert.True(Same(s, wideLanes[lane]), $"{what}: 512-bit lane {lane} {wideLanes[lane]:R}, scalar {s:R}");
                if (lane < Vector<float>.Count)
                {
                    Assert.True(Same(s, lanes[lane]), $"{what}: Vector<float> lane {lane} {lanes[lane]:R}, scalar {s:R}");
                }
            }
        }
    }

    /// <summary>Equal values, or both NaN (a zero's sign is not compared: torch's own kernels differ on it).</summary>
    private static bool Same(float x, float y) => x == y || (float.IsNaN(x) && float.IsNaN(y));
}
