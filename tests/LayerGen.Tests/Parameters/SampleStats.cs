using System;
using Xunit;

namespace LayerGen.Tests.Parameters;

/// <summary>
/// Sample moments of a large tensor, and assertions whose tolerances come from the sampling
/// distribution: the sample mean of n independent draws has standard error σ/√n, and the sample
/// standard deviation has standard error ≈ σ·√((κ − 1)/(4n)) (κ the kurtosis: 3 for a normal,
/// 9/5 for a uniform). Every check allows <see cref="Z"/> standard errors, so a correct sampler
/// fails with probability about 2·10⁻⁹ per check, while a wrong scale (a missing √3, gain or fan)
/// is off by tens or hundreds of standard errors at these sizes.
/// </summary>
internal readonly record struct SampleStats(double Mean, double Std, float Min, float Max, int Count)
{
    /// <summary>How many standard errors a check allows.</summary>
    public const double Z = 6;

    public const double NormalKurtosis = 3;
    public const double UniformKurtosis = 9.0 / 5.0;

    public static SampleStats Of(Tensor tensor)
    {
        float[] data = tensor.Data;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (float v in data)
        {
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        double mean = sum / data.Length, squares = 0;
        foreach (float v in data)
        {
            squares += (v - mean) * (v - mean);
        }

        return new SampleStats(mean, Math.Sqrt(squares / (data.Length - 1)), (float)min, (float)max, data.Length);
    }

    /// <summary>Asserts the sample mean and standard deviation match a distribution of that mean, std and kurtosis.</summary>
    public void AssertMoments(double mean, double std, double kurtosis, string what)
    {
        double meanError = Z * std / Math.Sqrt(Count);
        double stdError = Z * std * Math.Sqrt((kurtosis - 1) / (4.0 * Count));
        Assert.True(Math.Abs(Mean - mean) <= meanError, $"{what}: mean {Mean:G6}, expected {mean:G6} ± {meanError:G3}");
        Assert.True(Math.Abs(Std - std) <= stdError, $"{what}: std {Std:G6}, expected {std:G6} ± {stdError:G3}");
    }

    /// <summary>
    /// Asserts every draw is in [low, high], widened by one float ulp of the larger bound (the scheme
    /// computes its bound in double and rounds it to float once, and the float rounding of
    /// low + (high − low)·u may reach high, as in PyTorch), and the extremes reach close to both ends: with n uniform
    /// draws the gap between an end and the nearest draw exceeds ε·(high − low) with probability
    /// (1 − ε)ⁿ ≈ e^(−nε); ε = 25/n makes that e^(−25) ≈ 10⁻¹¹.
    /// </summary>
    public void AssertUniformRange(double low, double high, string what)
    {
        double ulp = Math.Max(Math.Abs(low), Math.Abs(high)) * Math.Pow(2, -23);
        Assert.True(Min >= low - ulp && Max <= high + ulp, $"{what}: draws in [{Min:G9}, {Max:G9}] escape [{low:G9}, {high:G9}] ± {ulp:G3}");
        double gap = 25.0 / Count * (high - low);
        Assert.True(Min - low <= gap && high - Max <= gap, $"{what}: draws in [{Min:G9}, {Max:G9}] do not reach [{low:G9}, {high:G9}) within {gap:G3}");
    }
}
