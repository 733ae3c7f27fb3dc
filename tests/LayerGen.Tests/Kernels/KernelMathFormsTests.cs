using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Reflection;
using System.Runtime.Intrinsics;
using LayerGen.Kernels;
using Xunit;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// Every element-wise function of <see cref="KernelMath"/> that the generated kernels call in three forms — the
/// scalar tail, <c>Vector&lt;float&gt;</c> and the <c>Vector512</c> pass — gives the same bits in each, lane by lane,
/// on special values (NaN, ±∞, ±0, denormals, halves, the edges of the approximations) and on random values of
/// several magnitudes: a kernel's result must not depend on which loop an element falls in. Found by reflection,
/// so a new op's forms are checked without a new test. Vector512 runs in software where AVX-512 is missing.
/// </summary>
public sealed class KernelMathFormsTests
{
    /// <summary>Constant attributes (Clamp's bounds, Softplus's beta and threshold, a slope), one set per run.</summary>
    private static readonly float[][] AttributeSets = [[2f, 5f], [0.5f, 20f], [-1f, 1f]];

    /// <summary>
    /// Functions whose forms may differ, by at most this many ulp: Log's vector forms are .NET's Vector.Log and its
    /// scalar form MathF.Log (KernelMath.cs says so; docs/ops.md states the error of what builds on it).
    /// </summary>
    private static readonly Dictionary<string, int> UlpsApart = new(StringComparer.Ordinal) { ["Log"] = 4 };

    private static readonly float[] Special =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f,
        0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 0.49999997f, 8388607.5f, 8388609f, 1e30f, -1e30f, float.MaxValue, float.MinValue,
        1f, -1f, 20f, 20.000002f, 19.999998f, -20f, 88.72284f, -87.33655f, -103.97208f, -0.35f, -0.34999999f, 0.625f, 0.875f,
        1.5707964f, 3.1415927f, 4.712389f, 6.2831855f, 1e5f, 1.6e6f, 1.7e6f, 1e10f,
    ];

    public static TheoryData<string> Functions() => new(Triples().Select(t => t.Name).Distinct());

    [Theory]
    [MemberData(nameof(Functions))]
    public void The_scalar_Vector_and_Vector512_forms_give_the_same_bits(string name)
    {
        foreach (var (_, scalar, vector, wide) in Triples().Where(t => t.Name == name))
        {
            ParameterInfo[] parameters = vector.GetParameters();
            int lanes = parameters.Count(p => p.ParameterType == typeof(Vector<float>));
            var random = new Random(name.GetHashCode(StringComparison.Ordinal) & 0x7fffffff);
            float[][] values = Enumerable.Range(0, lanes).Select(i => Values(random, i)).ToArray();
            foreach (float[] attributes in AttributeSets)
            {
                float[] a = attributes.Take(parameters.Length - lanes).ToArray();
                Check(name, scalar, vector, wide, values, a);
            }
        }
    }

    private static void Check(string name, MethodInfo scalar, MethodInfo vector, MethodInfo wide, float[][] values, float[] attributes)
    {
        int count = values[0].Length;
        int width = Vector<float>.Count, wideWidth = Vector512<float>.Count;
        for (int start = 0; start + wideWidth <= count; start += wideWidth)
        {
            var wideResult = (Vector512<float>)wide.Invoke(null, [.. values.Select(v => (object)Vector512.Create(v, start)), .. attributes.Cast<object>()])!;
            for (int offset = 0; offset < wideWidth; offset += width)
            {
                var vectorResult = (Vector<float>)vector.Invoke(null, [.. values.Select(v => (object)new Vector<float>(v, start + offset)), .. attributes.Cast<object>()])!;
                for (int lane = 0; lane < width; lane++)
                {
                    int i = start + offset + lane;
                    float s = (float)scalar.Invoke(null, [.. values.Select(v => (object)v[i]), .. attributes.Cast<object>()])!;
                    string call = $"{name}({string.Join(", ", values.Select(v => v[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Concat(attributes.Select(x => x + "f")))})";
                    int ulps = UlpsApart.GetValueOrDefault(name);
                    AssertSameBits(s, vectorResult[lane], ulps, $"{call}: scalar {s:R}, Vector<float> {vectorResult[lane]:R}");
                    AssertSameBits(s, wideResult[offset + lane], ulps, $"{call}: scalar {s:R}, Vector512 {wideResult[offset + lane]:R}");
                }
            }
        }
    }

    private static void AssertSameBits(float expected, float actual, int ulps, string message) =>
        Assert.True(
            BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual)
            || (float.IsNaN(expected) && float.IsNaN(actual))
            || (float.IsFinite(expected) && Math.Sign(expected) == Math.Sign(actual)
                && Math.Abs((long)BitConverter.SingleToInt32Bits(expected) - BitConverter.SingleToInt32Bits(actual)) <= ulps),
            message);

    /// <summary>The special values, each lane's list rotated so that binary functions meet them in pairs, then random values of several magnitudes.</summary>
    private static float[] Values(Random random, int operand)
    {
        var values = new List<float>(Special.Skip(operand * 7).Concat(Special.Take(operand * 7)));
        foreach (float scale in new[] { 0.01f, 1f, 4f, 30f, 1000f })
        {
            for (int i = 0; i < 48; i++)
            {
                values.Add((float)((random.NextDouble() * 2) - 1) * scale);
            }
        }

        while (values.Count % 64 != 0)
        {
            values.Add((float)random.NextDouble());
        }

        return values.ToArray();
    }

    /// <summary>
    /// Each element-wise function in its three forms: a <c>Vector&lt;float&gt;</c> overload whose parameters are lanes
    /// then float attributes, returning a vector, with the matching scalar and Vector512 overloads.
    /// </summary>
    private static IEnumerable<(string Name, MethodInfo Scalar, MethodInfo Vector, MethodInfo Wide)> Triples()
    {
        var methods = typeof(KernelMath).GetMethods(BindingFlags.Public | BindingFlags.Static);
        foreach (MethodInfo vector in methods.Where(m => m.ReturnType == typeof(Vector<float>) && !m.IsGenericMethod))
        {
            Type[] types = vector.GetParameters().Select(p => p.ParameterType).ToArray();
            if (types.Length == 0 || types[0] != typeof(Vector<float>) || types.Any(t => t != typeof(Vector<float>) && t != typeof(float))
                || types.SkipWhile(t => t == typeof(Vector<float>)).Any(t => t != typeof(float)))
            {
                continue; // loads, stores and helpers taking spans or other types
            }

            MethodInfo? scalar = typeof(KernelMath).GetMethod(vector.Name, BindingFlags.Public | BindingFlags.Static, types.Select(t => typeof(float)).ToArray());
            MethodInfo? wide = typeof(KernelMath).GetMethod(vector.Name, BindingFlags.Public | BindingFlags.Static, types.Select(t => t == typeof(float) ? t : typeof(Vector512<float>)).ToArray());
            if (scalar?.ReturnType == typeof(float) && wide?.ReturnType == typeof(Vector512<float>))
            {
                yield return (vector.Name, scalar, vector, wide);
            }
        }
    }
}
