using System;
using System.Globalization;
using System.Text;
using Xunit;

namespace LayerGen.Tests.Infrastructure;

/// <summary>
/// Compares computed numbers with a fixture and, when they differ, says how (after llm.c's
/// test_gpt2.c): how many elements are off, the first few with their index, and the largest
/// difference. Works on plain spans so it does not care what LayerGen's Tensor looks like.
/// </summary>
public static class TensorAssert
{
    /// <summary>Default absolute tolerance: float32 arithmetic against a float64 reference.</summary>
    public const double DefaultAtol = 1e-5;

    /// <summary>Default relative tolerance.</summary>
    public const double DefaultRtol = 1e-4;

    private const int ShownMismatches = 8;

    /// <summary>
    /// Fails unless <paramref name="actualShape"/> equals the expected shape and every element
    /// satisfies <c>|actual - expected| &lt;= atol + rtol * |expected|</c> (NaN only matches NaN).
    /// </summary>
    /// <param name="what">Names the tensor in the failure message, e.g. <c>"my_linear_5_3_b2 grad weight"</c>.</param>
    public static void Close(
        FixtureTensor expected,
        ReadOnlySpan<float> actual,
        ReadOnlySpan<int> actualShape,
        string what,
        double atol = DefaultAtol,
        double rtol = DefaultRtol)
    {
        if (!actualShape.SequenceEqual(expected.Shape))
        {
            Assert.Fail($"{what}: shape {FixtureTensor.FormatShape(actualShape)} but expected {expected.ShapeText}.");
        }

        if (actual.Length != expected.Values.Length)
        {
            Assert.Fail($"{what}: {actual.Length} values but shape {expected.ShapeText} holds {expected.Values.Length}.");
        }

        int bad = 0;
        int worstIndex = -1;
        double worstDiff = -1;
        var shown = new StringBuilder();
        for (int i = 0; i < actual.Length; i++)
        {
            double e = expected.Values[i];
            double a = actual[i];
            if (IsClose(e, a, atol, rtol))
            {
                continue;
            }

            bad++;
            double diff = Math.Abs(a - e);
            if (double.IsNaN(diff))
            {
                diff = double.PositiveInfinity;
            }

            if (diff > worstDiff)
            {
                worstDiff = diff;
                worstIndex = i;
            }

            if (bad <= ShownMismatches)
            {
                shown.AppendLine(Row(expected.Shape, i, e, a));
            }
        }

        if (bad == 0)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture,
            $"{what}: {bad} of {actual.Length} elements differ beyond atol={atol:G3} + rtol={rtol:G3}*|expected| (shape {expected.ShapeText})");
        message.AppendLine();
        message.AppendLine(Header());
        message.Append(shown);
        if (bad > ShownMismatches)
        {
            message.Append(CultureInfo.InvariantCulture, $"  ... and {bad - ShownMismatches} more").AppendLine();
        }

        message.Append("largest difference:").AppendLine();
        message.Append(Row(expected.Shape, worstIndex, expected.Values[worstIndex], actual[worstIndex]));
        Assert.Fail(message.ToString());
    }

    /// <summary>The element test <see cref="Close"/> applies.</summary>
    public static bool IsClose(double expected, double actual, double atol = DefaultAtol, double rtol = DefaultRtol)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            return double.IsNaN(expected) && double.IsNaN(actual);
        }

        if (double.IsInfinity(expected) || double.IsInfinity(actual))
        {
            return expected == actual;
        }

        return Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected);
    }

    private static string Header() =>
        string.Format(CultureInfo.InvariantCulture, "  {0,-8} {1,-14} {2,16} {3,16} {4,12}", "flat", "index", "expected", "actual", "|diff|");

    private static string Row(int[] shape, int flat, double expected, double actual) =>
        string.Format(
            CultureInfo.InvariantCulture,
            "  {0,-8} {1,-14} {2,16:G9} {3,16:G9} {4,12:G3}",
            flat,
            Unravel(shape, flat),
            expected,
            actual,
            Math.Abs(actual - expected));

    /// <summary>The row-major multi-index of a flat position, e.g. <c>(1, 4)</c>; <c>()</c> for a scalar.</summary>
    private static string Unravel(int[] shape, int flat)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 0)
            {
                break;
            }

            index[d] = flat % shape[d];
            flat /= shape[d];
        }

        return "(" + string.Join(", ", index) + ")";
    }
}
