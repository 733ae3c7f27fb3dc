using System;
using System.Numerics;
using System.Text;

namespace LayerGen;

/// <summary>
/// Python's <c>'{:.Nf}'</c> and <c>'{:.Ne}'</c> for a double, digit for digit: the exact binary value
/// rounded half-to-even, a sign kept on negative zero, <c>nan</c>/<c>inf</c>, and an exponent of at
/// least two digits.
/// </summary>
/// <remarks>
/// .NET's "F4"/"E4" round exact ties away from zero (0.03125 becomes 0.0313 where Python prints
/// 0.0312) and write exponents as E+001, so tensor printing could not match PyTorch with them.
/// Exact rational arithmetic on the double's mantissa and exponent is short and leaves no doubt.
/// </remarks>
internal static class PythonFloatFormat
{
    /// <summary>Python's <c>'{:.<paramref name="precision"/>f}'.format(value)</c>.</summary>
    public static string Fixed(double value, int precision)
    {
        if (!double.IsFinite(value))
        {
            return NonFinite(value);
        }

        BigInteger digits = RoundScaled(Math.Abs(value), precision);
        string text = digits.ToString().PadLeft(precision + 1, '0');
        var result = new StringBuilder();
        if (double.IsNegative(value))
        {
            result.Append('-');
        }

        result.Append(text, 0, text.Length - precision);
        if (precision > 0)
        {
            result.Append('.').Append(text, text.Length - precision, precision);
        }

        return result.ToString();
    }

    /// <summary>Python's <c>'{:.<paramref name="precision"/>e}'.format(value)</c>.</summary>
    public static string Scientific(double value, int precision)
    {
        if (!double.IsFinite(value))
        {
            return NonFinite(value);
        }

        double magnitude = Math.Abs(value);
        int exponent = 0;
        BigInteger digits = BigInteger.Zero;
        if (magnitude != 0)
        {
            // Estimate the decimal exponent, then correct it against the exactly rounded digits:
            // there must be precision + 1 of them (rounding 9.99996 up can make one more).
            exponent = (int)Math.Floor(Math.Log10(magnitude));
            BigInteger lower = BigInteger.Pow(10, precision), upper = lower * 10;
            for (int attempt = 0; attempt < 4; attempt++)
            {
                digits = RoundScaled(magnitude, precision - exponent);
                if (digits >= upper)
                {
                    exponent++;
                }
                else if (digits < lower)
                {
                    exponent--;
                }
                else
                {
                    break;
                }
            }
        }

        string text = digits.ToString().PadLeft(precision + 1, '0');
        var result = new StringBuilder();
        if (double.IsNegative(value))
        {
            result.Append('-');
        }

        result.Append(text[0]);
        if (precision > 0)
        {
            result.Append('.').Append(text, 1, precision);
        }

        result.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", System.Globalization.CultureInfo.InvariantCulture));
        return result.ToString();
    }

    private static string NonFinite(double value) =>
        double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";

    /// <summary>round_half_even(magnitude * 10^power), computed exactly.</summary>
    private static BigInteger RoundScaled(double magnitude, int power)
    {
        // magnitude = mantissa * 2^binaryExponent exactly; the result is numerator / denominator rounded.
        long bits = BitConverter.DoubleToInt64Bits(magnitude);
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        BigInteger mantissa = biased == 0 ? fraction : fraction | (1L << 52);
        int binaryExponent = biased == 0 ? -1074 : biased - 1075;

        BigInteger numerator = mantissa, denominator = BigInteger.One;
        if (binaryExponent >= 0)
        {
            numerator <<= binaryExponent;
        }
        else
        {
            denominator <<= -binaryExponent;
        }

        if (power >= 0)
        {
            numerator *= BigInteger.Pow(10, power);
        }
        else
        {
            denominator *= BigInteger.Pow(10, -power);
        }

        BigInteger quotient = BigInteger.DivRem(numerator, denominator, out BigInteger remainder);
        int comparison = (remainder * 2).CompareTo(denominator);
        if (comparison > 0 || (comparison == 0 && !quotient.IsEven))
        {
            quotient += 1;
        }

        return quotient;
    }
}
