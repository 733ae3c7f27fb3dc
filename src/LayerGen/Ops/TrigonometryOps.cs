using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

// Sine and cosine: the eager ops (double precision, rounded once) and the generated kernels' KernelMath forms.
// Their rows of the generator's op table are in generator/LayerGen.Generator/Ir/Elementwise.Trigonometry.cs.
namespace LayerGen
{
    public static partial class Ops
    {
        /// <summary>sin(x) elementwise (radians); its gradient is cos(x).</summary>
        public static Tensor Sin(Tensor x) => UnaryOps.Apply(TrigonometryRules.Sin, x);

        /// <summary>cos(x) elementwise (radians); its gradient is −sin(x).</summary>
        public static Tensor Cos(Tensor x) => UnaryOps.Apply(TrigonometryRules.Cos, x);
    }

    public sealed partial class Tensor
    {
        /// <summary>See <see cref="Ops.Sin"/>.</summary>
        public Tensor Sin() => Ops.Sin(this);

        /// <summary>See <see cref="Ops.Cos"/>.</summary>
        public Tensor Cos() => Ops.Cos(this);
    }

    internal static class TrigonometryRules
    {
        public static readonly UnaryOps.Rule Sin = new("SinBackward0", Math.Sin, (x, y) => Math.Cos(x));

        public static readonly UnaryOps.Rule Cos = new("CosBackward0", Math.Cos, (x, y) => -Math.Sin(x));
    }
}

namespace LayerGen.Kernels
{
    // sin and cos of a float, computed in double and rounded once, so within half an ulp of float (plus ~1e-16):
    // n = round(x·2/π), r = x − n·π/2 with π/2 in three 33-bit parts (Cody–Waite; each product exact while
    // |n| < 2^20, so for |x| below ReductionLimit), then fdlibm's kernel polynomials for sin and cos on |r| ≤ π/4,
    // chosen and signed by n mod 4. Larger |x|, ±∞ and NaN take Math.Sin/Math.Cos of that element (exact range
    // reduction). Each element's result depends on that element alone, and every operation is correctly rounded,
    // so the scalar, Vector<float> and Vector512 forms agree bit for bit. .NET's Vector.Sin does not: a vector
    // holding one large element takes another path for all of its lanes.
    public static partial class KernelMath
    {
        private const double TwoOverPi = 6.36619772367581382433e-01;
        private const double PiOver2Part1 = 1.57079632673412561417e+00;
        private const double PiOver2Part2 = 6.07710050630396597660e-11;
        private const double PiOver2Part3 = 2.02226624871116645580e-21;
        private const float ReductionLimit = 1.6e6f;

        private const double S1 = -1.66666666666666324348e-01;
        private const double S2 = 8.33333333332248946124e-03;
        private const double S3 = -1.98412698298579493134e-04;
        private const double S4 = 2.75573137070700676789e-06;
        private const double S5 = -2.50507602534068634195e-08;
        private const double S6 = 1.58969099521155010221e-10;
        private const double C1 = 4.16666666666666019037e-02;
        private const double C2 = -1.38888888888741095749e-03;
        private const double C3 = 2.48015872894767294178e-05;
        private const double C4 = -2.75573143513906633035e-07;
        private const double C5 = 2.08757232129817482790e-09;
        private const double C6 = -1.13596475577881948265e-11;

        /// <summary>sin(x), within half an ulp (docs/ops.md): −0 stays −0, ±∞ and NaN give NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sin(float x) => !(MathF.Abs(x) < ReductionLimit) ? (float)Math.Sin(x) : (float)SinCos(x, cosine: false);

        /// <summary>cos(x), within half an ulp (docs/ops.md): ±∞ and NaN give NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Cos(float x) => !(MathF.Abs(x) < ReductionLimit) ? (float)Math.Cos(x) : (float)SinCos(x, cosine: true);

        /// <inheritdoc cref="Sin(float)"/>
        public static Vector<float> Sin(Vector<float> x) => SinCos(x, cosine: false);

        /// <inheritdoc cref="Cos(float)"/>
        public static Vector<float> Cos(Vector<float> x) => SinCos(x, cosine: true);

        /// <inheritdoc cref="Sin(float)"/>
        public static Vector512<float> Sin(Vector512<float> x) => SinCos(x, cosine: false);

        /// <inheritdoc cref="Cos(float)"/>
        public static Vector512<float> Cos(Vector512<float> x) => SinCos(x, cosine: true);

        private static double SinCos(double x, bool cosine)
        {
            double n = Math.Round(x * TwoOverPi);
            double r = Math.FusedMultiplyAdd(-n, PiOver2Part1, x);
            r = Math.FusedMultiplyAdd(-n, PiOver2Part2, r);
            r = Math.FusedMultiplyAdd(-n, PiOver2Part3, r);
            r = n == 0 ? x : r; // keeps −0
            double z = r * r;
            double sin = Math.FusedMultiplyAdd(S6, z, S5);
            sin = Math.FusedMultiplyAdd(sin, z, S4);
            sin = Math.FusedMultiplyAdd(sin, z, S3);
            sin = Math.FusedMultiplyAdd(sin, z, S2);
            sin = Math.FusedMultiplyAdd(sin, z, S1);
            sin = Math.FusedMultiplyAdd(sin * z, r, r);
            double cos = Math.FusedMultiplyAdd(C6, z, C5);
            cos = Math.FusedMultiplyAdd(cos, z, C4);
            cos = Math.FusedMultiplyAdd(cos, z, C3);
            cos = Math.FusedMultiplyAdd(cos, z, C2);
            cos = Math.FusedMultiplyAdd(cos, z, C1);
            cos = Math.FusedMultiplyAdd(cos * z, z, Math.FusedMultiplyAdd(-0.5, z, 1.0));

            // The quadrant q = n mod 4 (n is whole): sin x = sin r, cos r, −sin r, −cos r; cos x = sin x of quadrant q + 1.
            double q = n - (4 * Math.Floor(n * 0.25));
            if (cosine)
            {
                q = q == 3 ? 0 : q + 1;
            }

            double value = q is 1 or 3 ? cos : sin;
            return q >= 2 ? -value : value;
        }

        private static Vector<float> SinCos(Vector<float> x, bool cosine)
        {
            Vector.Widen(x, out var low, out var high);
            var result = Vector.Narrow(SinCos(low, cosine), SinCos(high, cosine));
            var large = ~Vector.LessThan(Vector.Abs(x), new Vector<float>(ReductionLimit));
            return large == Vector<int>.Zero ? result : Vector.ConditionalSelect(large, PerLane(x, cosine), result);
        }

        private static Vector<double> SinCos(Vector<double> x, bool cosine)
        {
            var n = Vector.Round(x * new Vector<double>(TwoOverPi));
            var r = Vector.FusedMultiplyAdd(-n, new Vector<double>(PiOver2Part1), x);
            r = Vector.FusedMultiplyAdd(-n, new Vector<double>(PiOver2Part2), r);
            r = Vector.FusedMultiplyAdd(-n, new Vector<double>(PiOver2Part3), r);
            r = Vector.ConditionalSelect(Vector.Equals(n, Vector<double>.Zero), x, r);
            var z = r * r;
            var sin = Vector.FusedMultiplyAdd(new Vector<double>(S6), z, new Vector<double>(S5));
            sin = Vector.FusedMultiplyAdd(sin, z, new Vector<double>(S4));
            sin = Vector.FusedMultiplyAdd(sin, z, new Vector<double>(S3));
            sin = Vector.FusedMultiplyAdd(sin, z, new Vector<double>(S2));
            sin = Vector.FusedMultiplyAdd(sin, z, new Vector<double>(S1));
            sin = Vector.FusedMultiplyAdd(sin * z, r, r);
            var cos = Vector.FusedMultiplyAdd(new Vector<double>(C6), z, new Vector<double>(C5));
            cos = Vector.FusedMultiplyAdd(cos, z, new Vector<double>(C4));
            cos = Vector.FusedMultiplyAdd(cos, z, new Vector<double>(C3));
            cos = Vector.FusedMultiplyAdd(cos, z, new Vector<double>(C2));
            cos = Vector.FusedMultiplyAdd(cos, z, new Vector<double>(C1));
            cos = Vector.FusedMultiplyAdd(cos * z, z, Vector.FusedMultiplyAdd(new Vector<double>(-0.5), z, Vector<double>.One));

            var q = n - (new Vector<double>(4) * Vector.Floor(n * new Vector<double>(0.25)));
            if (cosine)
            {
                q = Vector.ConditionalSelect(Vector.Equals(q, new Vector<double>(3)), Vector<double>.Zero, q + Vector<double>.One);
            }

            var odd = Vector.Equals(q, Vector<double>.One) | Vector.Equals(q, new Vector<double>(3));
            var value = Vector.ConditionalSelect(odd, cos, sin);
            return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(q, new Vector<double>(2)), -value, value);
        }

        private static Vector512<float> SinCos(Vector512<float> x, bool cosine)
        {
            var (low, high) = Vector512.Widen(x);
            var result = Vector512.Narrow(SinCos(low, cosine), SinCos(high, cosine));
            var large = ~Vector512.LessThan(Vector512.Abs(x), Vector512.Create(ReductionLimit));
            return large.AsUInt32() == Vector512<uint>.Zero ? result : Vector512.ConditionalSelect(large, PerLane(x, cosine), result);
        }

        private static Vector512<double> SinCos(Vector512<double> x, bool cosine)
        {
            var n = Vector512.Round(x * Vector512.Create(TwoOverPi));
            var r = Vector512.FusedMultiplyAdd(-n, Vector512.Create(PiOver2Part1), x);
            r = Vector512.FusedMultiplyAdd(-n, Vector512.Create(PiOver2Part2), r);
            r = Vector512.FusedMultiplyAdd(-n, Vector512.Create(PiOver2Part3), r);
            r = Vector512.ConditionalSelect(Vector512.Equals(n, Vector512<double>.Zero), x, r);
            var z = r * r;
            var sin = Vector512.FusedMultiplyAdd(Vector512.Create(S6), z, Vector512.Create(S5));
            sin = Vector512.FusedMultiplyAdd(sin, z, Vector512.Create(S4));
            sin = Vector512.FusedMultiplyAdd(sin, z, Vector512.Create(S3));
            sin = Vector512.FusedMultiplyAdd(sin, z, Vector512.Create(S2));
            sin = Vector512.FusedMultiplyAdd(sin, z, Vector512.Create(S1));
            sin = Vector512.FusedMultiplyAdd(sin * z, r, r);
            var cos = Vector512.FusedMultiplyAdd(Vector512.Create(C6), z, Vector512.Create(C5));
            cos = Vector512.FusedMultiplyAdd(cos, z, Vector512.Create(C4));
            cos = Vector512.FusedMultiplyAdd(cos, z, Vector512.Create(C3));
            cos = Vector512.FusedMultiplyAdd(cos, z, Vector512.Create(C2));
            cos = Vector512.FusedMultiplyAdd(cos, z, Vector512.Create(C1));
            cos = Vector512.FusedMultiplyAdd(cos * z, z, Vector512.FusedMultiplyAdd(Vector512.Create(-0.5), z, Vector512<double>.One));

            var q = n - (Vector512.Create(4.0) * Vector512.Floor(n * Vector512.Create(0.25)));
            if (cosine)
            {
                q = Vector512.ConditionalSelect(Vector512.Equals(q, Vector512.Create(3.0)), Vector512<double>.Zero, q + Vector512<double>.One);
            }

            var odd = Vector512.Equals(q, Vector512<double>.One) | Vector512.Equals(q, Vector512.Create(3.0));
            var value = Vector512.ConditionalSelect(odd, cos, sin);
            return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(q, Vector512.Create(2.0)), -value, value);
        }

        /// <summary>The scalar form on each lane: for vectors holding elements beyond the fast range reduction.</summary>
        private static Vector<float> PerLane(Vector<float> x, bool cosine)
        {
            Span<float> lanes = stackalloc float[Vector<float>.Count];
            x.CopyTo(lanes);
            for (int i = 0; i < lanes.Length; i++)
            {
                lanes[i] = cosine ? Cos(lanes[i]) : Sin(lanes[i]);
            }

            return new Vector<float>(lanes);
        }

        /// <inheritdoc cref="PerLane(Vector{float}, bool)"/>
        private static Vector512<float> PerLane(Vector512<float> x, bool cosine)
        {
            Span<float> lanes = stackalloc float[Vector512<float>.Count];
            x.StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(lanes));
            for (int i = 0; i < lanes.Length; i++)
            {
                lanes[i] = cosine ? Cos(lanes[i]) : Sin(lanes[i]);
            }

            return Vector512.LoadUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(lanes));
        }
    }
}
