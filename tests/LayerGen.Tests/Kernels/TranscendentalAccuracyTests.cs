using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Runtime.Intrinsics;
using LayerGen.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// <see cref="KernelMath.Exp(Vector{float})"/>, <see cref="KernelMath.Tanh(Vector{float})"/>,
/// <see cref="KernelMath.Sigmoid(Vector{float})"/> and <see cref="KernelMath.Erf(Vector{float})"/> (and their scalar
/// overloads) against double precision (<see cref="Math.Exp"/>, <see cref="Math.Tanh"/>, 1/(1 + <see cref="Math.Exp"/>(−x)),
/// and the eager path's series for erf, itself checked against mpmath and libtorch below): a dense sweep of
/// [−20, 20], uniform values over [−110, 110] (all of exp's range, both ends), random bit patterns over the
/// whole float range (huge, tiny, denormal, NaN), a few hundred floats on each side of every threshold of
/// the algorithms, and the special values. The scalar overload must give bit for bit the vector's value.
/// </summary>
/// <remarks>
/// Error is measured in ulps of the exact result (the spacing of floats at |exact|; 2^-149 among the
/// denormals), and as relative error where the result is a normal float. The functions use only correctly
/// rounded operations (fused multiply-adds, division), so their results are the same on every machine and
/// the bounds sit just above the largest errors over all 2^32 floats (exp 0.89 ulp, tanh 1.37 ulp,
/// sigmoid 2.48 ulp, erf 1.10 ulp; relative 7.5e-8, 1.5e-7, 1.5e-7, 8.4e-8; docs/ops.md, "Accuracy of the
/// transcendental functions"). These inputs reach 0.85, 1.23, 2.47 and 1.07 ulp. Dropping exp's last
/// coefficient (an error of about 1e-7 near |r| = ln 2 / 2) already fails the exp and sigmoid bounds.
/// </remarks>
public sealed class TranscendentalAccuracyTests(ITestOutputHelper output)
{
    private const double ExpMaxUlp = 1.0;
    private const double TanhMaxUlp = 1.5;
    private const double SigmoidMaxUlp = 2.5;
    private const double ErfMaxUlp = 1.25;
    private const double MaxRelative = 2e-7;

    // The smallest normal float, 2^-126.
    private const float MinNormal = 1.17549435e-38f;

    // The first float whose erf rounds to 1 (erfc(x) ≤ 2^-25 from here on, mpmath).
    private const float ErfOneFrom = 3.919206f;

    // At and below this input e^−x overflows and sigmoid gives 0; the exact value is a denormal there
    // (below 3e-39).
    private const float SigmoidZeroBelow = -88.7228394f;

    [Fact]
    public void Exp_is_within_one_ulp()
    {
        var worst = Measure(KernelMath.Exp, KernelMath.Exp, Math.Exp, Inputs(88.7228394f, -87.3365448f, -103.278931f, -103.972076f));
        output.WriteLine($"exp: {worst}");
        Assert.True(worst.Ulps <= ExpMaxUlp, $"exp: {worst}");
        Assert.True(worst.Relative <= MaxRelative, $"exp: {worst}");
    }

    [Fact]
    public void Tanh_is_within_one_and_a_half_ulp_also_near_zero()
    {
        var worst = Measure(KernelMath.Tanh, KernelMath.Tanh, Math.Tanh, Inputs(0.625f, -0.625f, 9.01091290f, -9.01091290f, 44.3614196f));
        output.WriteLine($"tanh: {worst}");
        Assert.True(worst.Ulps <= TanhMaxUlp, $"tanh: {worst}");
        Assert.True(worst.Relative <= MaxRelative, $"tanh: {worst}");
    }

    [Fact]
    public void Sigmoid_is_within_two_and_a_half_ulp_while_its_exponential_is_finite()
    {
        var inputs = Inputs(16.6355324f, -87.3365448f, SigmoidZeroBelow, -103.278931f);
        var worst = Measure(KernelMath.Sigmoid, KernelMath.Sigmoid, x => 1 / (1 + Math.Exp(-x)), inputs, skip: x => x <= SigmoidZeroBelow);
        output.WriteLine($"sigmoid: {worst}");
        Assert.True(worst.Ulps <= SigmoidMaxUlp, $"sigmoid: {worst}");
        Assert.True(worst.Relative <= MaxRelative, $"sigmoid: {worst}");

        // Where e^−x overflows, the result is 0 (not NaN), and the exact one is a denormal below 3e-39.
        foreach (float x in inputs)
        {
            if (x <= SigmoidZeroBelow)
            {
                Assert.Equal(0f, KernelMath.Sigmoid(x));
                Assert.True(1 / (1 + Math.Exp(-(double)x)) < 3e-39, $"sigmoid({x:R})");
            }
        }
    }

    [Fact]
    public void Erf_is_within_one_and_a_quarter_ulp_also_near_zero()
    {
        var inputs = Inputs(0.875f, -0.875f, 3.92f, -3.92f, ErfOneFrom, -ErfOneFrom)
            .Concat(Enumerable.Range(0, 400_001).Select(i => (float)(i * 1e-5)))
            .ToArray();
        var worst = Measure(KernelMath.Erf, KernelMath.Erf, SpecialFunctions.Erf, inputs);
        output.WriteLine($"erf: {worst}");
        Assert.True(worst.Ulps <= ErfMaxUlp, $"erf: {worst}");
        Assert.True(worst.Relative <= MaxRelative, $"erf: {worst}");
    }

    [Fact]
    public void Erf_special_values()
    {
        Assert.Equal(BitConverter.SingleToInt32Bits(0f), BitConverter.SingleToInt32Bits(Both(KernelMath.Erf, KernelMath.Erf, 0f)));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(Both(KernelMath.Erf, KernelMath.Erf, -0f)));
        Assert.Equal(1f, Both(KernelMath.Erf, KernelMath.Erf, float.PositiveInfinity));
        Assert.Equal(-1f, Both(KernelMath.Erf, KernelMath.Erf, float.NegativeInfinity));
        Assert.True(float.IsNaN(Both(KernelMath.Erf, KernelMath.Erf, float.NaN)));
        Assert.Equal(1f, Both(KernelMath.Erf, KernelMath.Erf, float.MaxValue));
        Assert.Equal(-1f, Both(KernelMath.Erf, KernelMath.Erf, float.MinValue));

        // The exact erf rounds to ±1 from 3.919206 on (erfc ≤ 2^-25, half an ulp below 1); this one from 3.919926
        // (the accuracy test covers the floats in between, which it rounds to 1 − 2^-24). Then ±1 for good, as
        // the argument of its exponential stops at 3.92.
        Assert.Equal(0.99999994f, Both(KernelMath.Erf, KernelMath.Erf, ErfOneFrom));
        Assert.Equal(0.99999994f, Both(KernelMath.Erf, KernelMath.Erf, 3.9199257f));
        Assert.Equal(1f, Both(KernelMath.Erf, KernelMath.Erf, 3.919926f));
        Assert.Equal(-1f, Both(KernelMath.Erf, KernelMath.Erf, -3.919926f));
        Assert.Equal(1f, Both(KernelMath.Erf, KernelMath.Erf, 3.92f));
        Assert.Equal(1f, Both(KernelMath.Erf, KernelMath.Erf, 1000f));
        Assert.Equal(-1f, Both(KernelMath.Erf, KernelMath.Erf, -10f));

        // erf(x) = 2x/√π to within an ulp for tiny x, denormals included (2^-149 stays 2^-149).
        Assert.Equal(float.Epsilon, Both(KernelMath.Erf, KernelMath.Erf, float.Epsilon));
        Assert.Equal(-float.Epsilon, Both(KernelMath.Erf, KernelMath.Erf, -float.Epsilon));
        foreach (float x in new[] { 1e-40f, -1e-40f, MinNormal, 1e-30f, -3e-8f })
        {
            double exact = SpecialFunctions.TwoOverSqrtPi * x;
            float y = Both(KernelMath.Erf, KernelMath.Erf, x);
            Assert.True(Math.Abs(y - exact) <= Ulp(exact), $"erf({x:R}) = {y:R}, 2x/√π = {exact:R}");
        }
    }

    /// <summary>
    /// The double-precision erf the accuracy test measures against (and the eager path computes with), against
    /// mpmath at 40 digits and against libtorch's float64 erf at the op_erf fixtures' inputs.
    /// </summary>
    [Fact]
    public void The_erf_reference_agrees_with_mpmath_and_libtorch()
    {
        (double X, double Erf)[] mpmath =
        [
            (1e-300, 1.1283791670955126e-300), (1e-30, 1.1283791670955125e-30), (1e-8, 1.1283791670955126e-08),
            (0.1, 0.1124629160182849), (0.5, 0.5204998778130465), (0.875, 0.7840750610598597), (1, 0.8427007929497149),
            (1.5, 0.9661051464753108), (2, 0.9953222650189527), (3, 0.9999779095030014), (3.5, 0.9999992569016276),
            (3.9155, 0.9999999692923118), (4, 0.9999999845827421), (5, 0.9999999999984626), (5.9, 0.9999999999999999),
        ];
        foreach (var (x, erf) in mpmath)
        {
            Assert.True(Math.Abs(SpecialFunctions.Erf(x) - erf) <= 1e-14 * erf, $"erf({x:R}) = {SpecialFunctions.Erf(x):R}, mpmath {erf:R}");
            Assert.Equal(-SpecialFunctions.Erf(x), SpecialFunctions.Erf(-x));
        }

        foreach (string name in new[] { "op_erf", "op_erf_special" })
        {
            var fixture = LayerGen.Tests.Infrastructure.Fixture.Load(name);
            double[] xs = fixture.Inputs["x"].Values, ys = fixture.Output.Values;
            for (int i = 0; i < xs.Length; i++)
            {
                double ours = SpecialFunctions.Erf(xs[i]);
                Assert.True(
                    ours.Equals(ys[i]) || Math.Abs(ours - ys[i]) <= 1e-14 * Math.Abs(ys[i]),
                    $"{name}: erf({xs[i]:R}) = {ours:R}, libtorch {ys[i]:R}");
            }
        }
    }

    [Fact]
    public void The_512_bit_forms_give_the_scalar_forms_bits()
    {
        // The generated kernels' wide pass (Vector512) must give every lane what the Vector<float> loop and
        // the scalar tail give: the same operations in the same order, each correctly rounded.
        var inputs = Inputs(88.7228394f, -87.3365448f, -103.972076f, 0.625f, -0.625f, 9.01091290f, 16.6355324f, 0.875f, -0.875f, 3.92f);
        AssertWideMatches(KernelMath.Exp, KernelMath.Exp, inputs, "exp");
        AssertWideMatches(KernelMath.Tanh, KernelMath.Tanh, inputs, "tanh");
        AssertWideMatches(KernelMath.Sigmoid, KernelMath.Sigmoid, inputs, "sigmoid");
        AssertWideMatches(KernelMath.Erf, KernelMath.Erf, inputs, "erf");
        AssertWideMatches(KernelMath.Gelu, KernelMath.Gelu, inputs, "gelu");
    }

    private static void AssertWideMatches(Func<Vector512<float>, Vector512<float>> wide, Func<float, float> scalar, float[] inputs, string name)
    {
        var lanes = new float[Vector512<float>.Count];
        var results = new float[Vector512<float>.Count];
        for (int start = 0; start < inputs.Length; start += lanes.Length)
        {
            int n = Math.Min(lanes.Length, inputs.Length - start);
            Array.Fill(lanes, 0f);
            Array.Copy(inputs, start, lanes, 0, n);
            wide(Vector512.Create(lanes)).CopyTo(results);
            for (int i = 0; i < n; i++)
            {
                float s = scalar(lanes[i]);
                Assert.True(
                    BitConverter.SingleToInt32Bits(results[i]) == BitConverter.SingleToInt32Bits(s) || (float.IsNaN(results[i]) && float.IsNaN(s)),
                    $"{name}({lanes[i]:R}): 512-bit lane {results[i]:R}, scalar {s:R}");
            }
        }
    }

    [Fact]
    public void Exp_special_values()
    {
        Assert.Equal(float.PositiveInfinity, Both(KernelMath.Exp, KernelMath.Exp, float.PositiveInfinity));
        Assert.Equal(0f, Both(KernelMath.Exp, KernelMath.Exp, float.NegativeInfinity));
        Assert.True(float.IsNaN(Both(KernelMath.Exp, KernelMath.Exp, float.NaN)));
        Assert.Equal(1f, Both(KernelMath.Exp, KernelMath.Exp, 0f));
        Assert.Equal(1f, Both(KernelMath.Exp, KernelMath.Exp, -0f));
        Assert.Equal(1f, Both(KernelMath.Exp, KernelMath.Exp, float.Epsilon));
        Assert.Equal(1f, Both(KernelMath.Exp, KernelMath.Exp, -float.Epsilon));

        // The largest input with a finite result (e^x ≈ 0.999993·float.MaxValue), and the next float up.
        float largest = Both(KernelMath.Exp, KernelMath.Exp, 88.7228317f);
        Assert.True(float.IsFinite(largest) && largest > 0.9999f * float.MaxValue, $"exp(88.7228317) = {largest:R}");
        Assert.Equal(float.PositiveInfinity, Both(KernelMath.Exp, KernelMath.Exp, 88.7228394f));
        Assert.Equal(float.PositiveInfinity, Both(KernelMath.Exp, KernelMath.Exp, 100f));
        Assert.Equal(float.PositiveInfinity, Both(KernelMath.Exp, KernelMath.Exp, float.MaxValue));

        // Gradual underflow: denormal results, then 0.
        Assert.Equal((float)Math.Exp(-100.0), Both(KernelMath.Exp, KernelMath.Exp, -100f));
        Assert.True(float.IsSubnormal(Both(KernelMath.Exp, KernelMath.Exp, -100f)));
        Assert.Equal(float.Epsilon, Both(KernelMath.Exp, KernelMath.Exp, -103.5f));
        Assert.Equal(0f, Both(KernelMath.Exp, KernelMath.Exp, -104f));
        Assert.Equal(0f, Both(KernelMath.Exp, KernelMath.Exp, -1000f));
        Assert.Equal(0f, Both(KernelMath.Exp, KernelMath.Exp, float.MinValue));
    }

    [Fact]
    public void Tanh_special_values()
    {
        Assert.Equal(BitConverter.SingleToInt32Bits(0f), BitConverter.SingleToInt32Bits(Both(KernelMath.Tanh, KernelMath.Tanh, 0f)));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(Both(KernelMath.Tanh, KernelMath.Tanh, -0f)));
        Assert.Equal(1f, Both(KernelMath.Tanh, KernelMath.Tanh, float.PositiveInfinity));
        Assert.Equal(-1f, Both(KernelMath.Tanh, KernelMath.Tanh, float.NegativeInfinity));
        Assert.True(float.IsNaN(Both(KernelMath.Tanh, KernelMath.Tanh, float.NaN)));
        Assert.Equal(1f, Both(KernelMath.Tanh, KernelMath.Tanh, 88.7f));
        Assert.Equal(-1f, Both(KernelMath.Tanh, KernelMath.Tanh, -100f));
        Assert.Equal(1f, Both(KernelMath.Tanh, KernelMath.Tanh, float.MaxValue));
        Assert.Equal(-1f, Both(KernelMath.Tanh, KernelMath.Tanh, float.MinValue));

        // tanh(x) = x to float precision for tiny x, denormals included.
        foreach (float x in new[] { float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f, 1e-30f, -3e-8f })
        {
            Assert.Equal(x, Both(KernelMath.Tanh, KernelMath.Tanh, x));
        }
    }

    [Fact]
    public void Sigmoid_special_values()
    {
        Assert.Equal(1f, Both(KernelMath.Sigmoid, KernelMath.Sigmoid, float.PositiveInfinity));
        Assert.Equal(0f, Both(KernelMath.Sigmoid, KernelMath.Sigmoid, float.NegativeInfinity));
        Assert.True(float.IsNaN(Both(KernelMath.Sigmoid, KernelMath.Sigmoid, float.NaN)));
        Assert.Equal(0.5f, Both(KernelMath.Sigmoid, KernelMath.Sigmoid, 0f));
        Assert.Equal(0.5f, Both(KernelMath.Sigmoid, KernelMath.Sigmoid, -0f));
        Assert.Equal(0.5f, Both(KernelMath.Sigmoid, KernelMath.Sigmoid, float.Epsilon));
        Assert.Equal(1f, Both(KernelMath.Sigmoid, KernelMath.Sigmoid, 88.7f));
        Assert.Equal(1f, Both(KernelMath.Sigmoid, KernelMath.Sigmoid, 100f));
        Assert.Equal(1f, Both(KernelMath.Sigmoid, KernelMath.Sigmoid, float.MaxValue));
        Assert.Equal((float)(1 / (1 + Math.Exp(88.7f))), Both(KernelMath.Sigmoid, KernelMath.Sigmoid, -88.7f));
        Assert.Equal(0f, Both(KernelMath.Sigmoid, KernelMath.Sigmoid, -100f));
        Assert.Equal(0f, Both(KernelMath.Sigmoid, KernelMath.Sigmoid, float.MinValue));
    }

    /// <summary>The largest error over <paramref name="inputs"/>, and where it is.</summary>
    private readonly record struct Worst(double Ulps, float UlpsAt, double Relative, float RelativeAt, int Count)
    {
        public override string ToString() =>
            $"max {Ulps:G4} ulp at x = {UlpsAt:R}, max relative error {Relative:G4} at x = {RelativeAt:R}, over {Count} inputs";
    }

    /// <summary>
    /// Runs the vector overload over <paramref name="inputs"/> (Vector&lt;float&gt;.Count at a time, the rest
    /// as a last, padded vector), checks the scalar overload gives the same bits (NaN: both NaN), and
    /// measures both against <paramref name="exact"/>. A result that rounds to ±∞ in float must be ±∞;
    /// NaN must give NaN.
    /// </summary>
    private static Worst Measure(
        Func<Vector<float>, Vector<float>> vector,
        Func<float, float> scalar,
        Func<double, double> exact,
        float[] inputs,
        Func<float, bool>? skip = null)
    {
        int width = Vector<float>.Count;
        var lanes = new float[width];
        var results = new float[width];
        var worst = new Worst(0, 0, 0, 0, 0);
        int count = 0;
        for (int start = 0; start < inputs.Length; start += width)
        {
            int n = Math.Min(width, inputs.Length - start);
            Array.Fill(lanes, 0f);
            Array.Copy(inputs, start, lanes, 0, n);
            vector(new Vector<float>(lanes)).CopyTo(results);
            for (int i = 0; i < n; i++)
            {
                float x = lanes[i];
                float y = results[i];
                float s = scalar(x);
                Assert.True(
                    BitConverter.SingleToInt32Bits(y) == BitConverter.SingleToInt32Bits(s) || (float.IsNaN(y) && float.IsNaN(s)),
                    $"x = {x:R}: vector lane {y:R}, scalar {s:R}");

                double e = exact(x);
                if (double.IsNaN(e))
                {
                    Assert.True(float.IsNaN(y), $"x = {x:R}: {y:R}, expected NaN");
                    continue;
                }

                Assert.False(float.IsNaN(y), $"x = {x:R}: NaN, expected {e:R}");
                if (skip is not null && skip(x))
                {
                    continue;
                }

                count++;
                float rounded = (float)e;
                if (float.IsInfinity(rounded) || float.IsInfinity(y))
                {
                    Assert.True(rounded == y, $"x = {x:R}: {y:R}, expected {e:R} (rounded {rounded:R})");
                    continue;
                }

                double error = Math.Abs(y - e);
                double ulps = error / Ulp(e);
                if (ulps > worst.Ulps)
                {
                    worst = worst with { Ulps = ulps, UlpsAt = x };
                }

                if (Math.Abs(rounded) >= MinNormal && error / Math.Abs(e) > worst.Relative)
                {
                    worst = worst with { Relative = error / Math.Abs(e), RelativeAt = x };
                }
            }
        }

        return worst with { Count = count };
    }

    /// <summary>The spacing of floats at |value|: 2^(e−23) for |value| in [2^e, 2^(e+1)), 2^-149 below 2^-126.</summary>
    private static double Ulp(double value)
    {
        double magnitude = Math.Abs(value);
        return magnitude < MinNormal ? Math.ScaleB(1.0, -149) : Math.ScaleB(1.0, Math.ILogB(magnitude) - 23);
    }

    /// <summary>f(x) by the vector overload (in every lane), after checking the scalar overload agrees bit for bit.</summary>
    private static float Both(Func<Vector<float>, Vector<float>> vector, Func<float, float> scalar, float x)
    {
        var lanes = vector(new Vector<float>(x));
        float s = scalar(x);
        for (int i = 0; i < Vector<float>.Count; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(lanes[i]) == BitConverter.SingleToInt32Bits(s) || (float.IsNaN(lanes[i]) && float.IsNaN(s)),
                $"x = {x:R}: lane {i} {lanes[i]:R}, scalar {s:R}");
        }

        return s;
    }

    /// <summary>
    /// The sweep, uniform and random-bit inputs, the special values, and 300 floats either side of each
    /// of <paramref name="thresholds"/> (where the algorithm changes branch, saturates or overflows).
    /// </summary>
    private static float[] Inputs(params float[] thresholds)
    {
        var inputs = new List<float>();
        for (int i = 0; i <= 400_000; i++)
        {
            inputs.Add((float)(-20 + i * 1e-4));
        }

        var random = new Random(20240611);
        for (int i = 0; i < 500_000; i++)
        {
            inputs.Add((float)(random.NextDouble() * 220 - 110));
        }

        for (int i = 0; i < 500_000; i++)
        {
            inputs.Add(BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31)));
        }

        foreach (float t in thresholds)
        {
            float below = t;
            float above = t;
            for (int i = 0; i < 300; i++)
            {
                inputs.Add(below);
                inputs.Add(above);
                below = MathF.BitDecrement(below);
                above = MathF.BitIncrement(above);
            }
        }

        inputs.AddRange(
        [
            0f, -0f, float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f, MinNormal, -MinNormal,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.MaxValue, float.MinValue,
            88.7f, -88.7f, 88.72f, -88.72f, 100f, -100f, 1000f, -1000f, 1f, -1f, 0.5f, -0.5f,
        ]);
        return inputs.ToArray();
    }
}
