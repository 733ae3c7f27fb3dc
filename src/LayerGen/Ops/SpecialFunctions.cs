using System;

namespace LayerGen;

/// <summary>
/// Functions .NET's <see cref="Math"/> lacks, in double precision for the eager reference ops (which compute
/// in double and round once to float).
/// </summary>
internal static class SpecialFunctions
{
    /// <summary>2/√π.</summary>
    public const double TwoOverSqrtPi = 1.1283791670955125739;

    /// <summary>
    /// erf(x) = 2/√π ∫₀ˣ e^{−t²} dt, to about 1e-14 relative error: Abramowitz and Stegun 7.1.6,
    /// erf(x) = 2/√π · e^{−x²} · Σₙ 2ⁿ x^{2n+1} / (1·3·5···(2n+1)), whose terms are all positive (no
    /// cancellation, so the relative error stays small down to the denormals). Odd; ±1 from |x| ≥ 6, where
    /// erfc(x) &lt; 3e-17 is below half an ulp of 1; NaN gives NaN.
    /// </summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        if (!(a < 6))
        {
            return double.IsNaN(x) ? x : Math.CopySign(1.0, x);
        }

        // Each term is the previous one times 2a²/(2n + 1); stop once they no longer change the sum.
        double twoA2 = 2 * a * a;
        double term = a;
        double sum = a;
        for (int n = 1; term > sum * 1e-17; n++)
        {
            term *= twoA2 / ((2 * n) + 1);
            sum += term;
        }

        return Math.CopySign(TwoOverSqrtPi * Math.Exp(-(a * a)) * sum, x);
    }
}
