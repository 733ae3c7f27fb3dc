using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

// Softplus, SiLU, leaky ReLU and ELU: the eager ops (double precision, rounded once) and the generated kernels'
// KernelMath forms (float; scalar, Vector<float> and Vector512, giving bit for bit the same values), side by side.
// Their rows of the generator's op table are in generator/LayerGen.Generator/Ir/Elementwise.Activations.cs.
namespace LayerGen
{
    public static partial class Ops
    {
        /// <summary>
        /// log(1 + e^(βx))/β elementwise, and x itself where βx &gt; <paramref name="threshold"/> (for numerical
        /// stability), as <c>torch.nn.functional.softplus</c>; its gradient is σ(βx) (1 above the threshold).
        /// </summary>
        public static Tensor Softplus(Tensor x, float beta = 1f, float threshold = 20f)
        {
            double b = beta, t = threshold;
            return UnaryOps.Apply(
                new UnaryOps.Rule(
                    "SoftplusBackward0",
                    v => v * b > t ? v : (Math.Max(v * b, 0) + ActivationMath.Log1p(Math.Exp(-Math.Abs(v * b)))) / b,
                    (v, y) => v * b > t ? 1 : 1 / (1 + Math.Exp(-(v * b)))),
                x);
        }

        /// <summary>x·σ(x) elementwise (SiLU, swish), as <c>torch.nn.functional.silu</c>; gradient σ(x)(1 + x(1 − σ(x))).</summary>
        public static Tensor Silu(Tensor x) => UnaryOps.Apply(ActivationMath.SiluRule, x);

        /// <summary>
        /// x where x &gt; 0, else <paramref name="negativeSlope"/>·x, elementwise, as <c>torch.nn.functional.leaky_relu</c>
        /// (default slope 0.01); gradient 1 or the slope (the slope at 0 and at NaN).
        /// </summary>
        public static Tensor LeakyRelu(Tensor x, float negativeSlope = 0.01f)
        {
            double slope = negativeSlope;
            return UnaryOps.Apply(new UnaryOps.Rule("LeakyReluBackward0", v => v > 0 ? v : v * slope, (v, y) => v > 0 ? 1 : slope), x);
        }

        /// <summary>
        /// x where x &gt; 0, else α(e^x − 1), elementwise, as <c>torch.nn.functional.elu</c> (default α = 1); gradient
        /// 1 where x &gt; 0, else α·e^x (NaN at NaN, as torch's).
        /// </summary>
        public static Tensor Elu(Tensor x, float alpha = 1f)
        {
            double a = alpha;
            return UnaryOps.Apply(new UnaryOps.Rule("EluBackward0", v => v > 0 ? v : a * ActivationMath.Expm1(v), (v, y) => v > 0 ? 1 : a * Math.Exp(v)), x);
        }
    }

    /// <summary>The eager activations' double-precision helpers.</summary>
    internal static class ActivationMath
    {
        public static readonly UnaryOps.Rule SiluRule = new(
            "SiluBackward0",
            x => x / (1 + Math.Exp(-x)),
            (x, y) =>
            {
                double s = 1 / (1 + Math.Exp(-x));
                return s * (1 + (x * (1 - s)));
            });

        /// <summary>log(1 + u), accurate for small u (Kahan: log(w)·u/(w − 1) with w = 1 + u; .NET's LogP1 is log(u + 1)).</summary>
        public static double Log1p(double u)
        {
            double w = 1 + u;
            return w == 1 ? u : Math.Log(w) * u / (w - 1);
        }

        /// <summary>e^x − 1, accurate for small x (Kahan: (u − 1)·x/log u with u = e^x).</summary>
        public static double Expm1(double x)
        {
            double u = Math.Exp(x);
            if (u == 1)
            {
                return x;
            }

            double um1 = u - 1;
            return um1 == -1 || double.IsInfinity(u) ? um1 : um1 * x / Math.Log(u);
        }
    }
}

namespace LayerGen.Kernels
{
    public static partial class KernelMath
    {
        // log(1 + u) for u = e^(−|z|) in [0, 1] as 2·atanh(s), s = u/(2 + u) in [0, 1/3]: 2s·(1 + s²/3 + s⁴/5 + ... + s¹²/13).
        // The next term is below 1.4e-8 of the sum, and every operation is correctly rounded in every form.
        private const float Log1pC0 = 2f;
        private const float Log1pC1 = 2f / 3f;
        private const float Log1pC2 = 2f / 5f;
        private const float Log1pC3 = 2f / 7f;
        private const float Log1pC4 = 2f / 9f;
        private const float Log1pC5 = 2f / 11f;
        private const float Log1pC6 = 2f / 13f;

        // e^x − 1 for −0.35 &lt; x ≤ 0 by its Taylor series to x⁷ (the next term is below 2e-8 of the result); below,
        // e^x − 1 from Exp, whose subtraction is then exact (Sterbenz) and leaves Exp's error.
        private const float Expm1Series = -0.35f;

        /// <summary>
        /// Softplus as torch.nn.functional.softplus: x where βx &gt; threshold, else (max(βx, 0) + log(1 + e^(−|βx|)))/β,
        /// the log by the series above (docs/ops.md states the error). −∞ gives 0, +∞ and NaN themselves.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Softplus(float x, float beta, float threshold)
        {
            float z = x * beta;
            float u = Exp(-MathF.Abs(z));
            float s = u / (2f + u);
            float s2 = s * s;
            float p = MathF.FusedMultiplyAdd(Log1pC6, s2, Log1pC5);
            p = MathF.FusedMultiplyAdd(p, s2, Log1pC4);
            p = MathF.FusedMultiplyAdd(p, s2, Log1pC3);
            p = MathF.FusedMultiplyAdd(p, s2, Log1pC2);
            p = MathF.FusedMultiplyAdd(p, s2, Log1pC1);
            p = MathF.FusedMultiplyAdd(p, s2, Log1pC0);
            float softplus = ((z > 0f ? z : 0f) + (s * p)) / beta;
            return z > threshold ? x : softplus;
        }

        /// <inheritdoc cref="Softplus(float, float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Softplus(Vector<float> x, float beta, float threshold)
        {
            var z = x * new Vector<float>(beta);
            var u = Exp(-Vector.Abs(z));
            var s = u / (new Vector<float>(2f) + u);
            var s2 = s * s;
            var p = Vector.FusedMultiplyAdd(new Vector<float>(Log1pC6), s2, new Vector<float>(Log1pC5));
            p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(Log1pC4));
            p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(Log1pC3));
            p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(Log1pC2));
            p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(Log1pC1));
            p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(Log1pC0));
            var positive = Vector.ConditionalSelect(Vector.GreaterThan(z, Vector<float>.Zero), z, Vector<float>.Zero);
            var softplus = (positive + (s * p)) / new Vector<float>(beta);
            return Vector.ConditionalSelect(Vector.GreaterThan(z, new Vector<float>(threshold)), x, softplus);
        }

        /// <inheritdoc cref="Softplus(float, float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Softplus(Vector512<float> x, float beta, float threshold)
        {
            var z = x * Vector512.Create(beta);
            var u = Exp(-Vector512.Abs(z));
            var s = u / (Vector512.Create(2f) + u);
            var s2 = s * s;
            var p = Vector512.FusedMultiplyAdd(Vector512.Create(Log1pC6), s2, Vector512.Create(Log1pC5));
            p = Vector512.FusedMultiplyAdd(p, s2, Vector512.Create(Log1pC4));
            p = Vector512.FusedMultiplyAdd(p, s2, Vector512.Create(Log1pC3));
            p = Vector512.FusedMultiplyAdd(p, s2, Vector512.Create(Log1pC2));
            p = Vector512.FusedMultiplyAdd(p, s2, Vector512.Create(Log1pC1));
            p = Vector512.FusedMultiplyAdd(p, s2, Vector512.Create(Log1pC0));
            var positive = Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, Vector512<float>.Zero);
            var softplus = (positive + (s * p)) / Vector512.Create(beta);
            return Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512.Create(threshold)), x, softplus);
        }

        /// <summary>SiLU as torch's float kernel writes it, x/(1 + e^(−x)): −∞ gives NaN, as there.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Silu(float x) => x / (1f + Exp(-x));

        /// <inheritdoc cref="Silu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Silu(Vector<float> x) => x / (Vector<float>.One + Exp(-x));

        /// <inheritdoc cref="Silu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Silu(Vector512<float> x) => x / (Vector512<float>.One + Exp(-x));

        /// <summary>x where x &gt; 0, else slope·x (NaN stays NaN), as torch.nn.functional.leaky_relu: exact.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float LeakyRelu(float x, float negativeSlope) => x > 0f ? x : x * negativeSlope;

        /// <inheritdoc cref="LeakyRelu(float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> LeakyRelu(Vector<float> x, float negativeSlope) =>
            Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), x, x * new Vector<float>(negativeSlope));

        /// <inheritdoc cref="LeakyRelu(float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> LeakyRelu(Vector512<float> x, float negativeSlope) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * Vector512.Create(negativeSlope));

        /// <summary>x where x &gt; 0, else α(e^x − 1), as torch.nn.functional.elu: −∞ gives −α, NaN stays NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Elu(float x, float alpha)
        {
            float series = MathF.FusedMultiplyAdd(1f / 5040f, x, 1f / 720f);
            series = MathF.FusedMultiplyAdd(series, x, 1f / 120f);
            series = MathF.FusedMultiplyAdd(series, x, 1f / 24f);
            series = MathF.FusedMultiplyAdd(series, x, 1f / 6f);
            series = MathF.FusedMultiplyAdd(series, x, 0.5f);
            series = MathF.FusedMultiplyAdd(series * x, x, x);
            float expm1 = x > Expm1Series ? series : Exp(x) - 1f;
            return x > 0f ? x : alpha * expm1;
        }

        /// <inheritdoc cref="Elu(float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Elu(Vector<float> x, float alpha)
        {
            var series = Vector.FusedMultiplyAdd(new Vector<float>(1f / 5040f), x, new Vector<float>(1f / 720f));
            series = Vector.FusedMultiplyAdd(series, x, new Vector<float>(1f / 120f));
            series = Vector.FusedMultiplyAdd(series, x, new Vector<float>(1f / 24f));
            series = Vector.FusedMultiplyAdd(series, x, new Vector<float>(1f / 6f));
            series = Vector.FusedMultiplyAdd(series, x, new Vector<float>(0.5f));
            series = Vector.FusedMultiplyAdd(series * x, x, x);
            var expm1 = Vector.ConditionalSelect(Vector.GreaterThan(x, new Vector<float>(Expm1Series)), series, Exp(x) - Vector<float>.One);
            return Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), x, new Vector<float>(alpha) * expm1);
        }

        /// <inheritdoc cref="Elu(float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Elu(Vector512<float> x, float alpha)
        {
            var series = Vector512.FusedMultiplyAdd(Vector512.Create(1f / 5040f), x, Vector512.Create(1f / 720f));
            series = Vector512.FusedMultiplyAdd(series, x, Vector512.Create(1f / 120f));
            series = Vector512.FusedMultiplyAdd(series, x, Vector512.Create(1f / 24f));
            series = Vector512.FusedMultiplyAdd(series, x, Vector512.Create(1f / 6f));
            series = Vector512.FusedMultiplyAdd(series, x, Vector512.Create(0.5f));
            series = Vector512.FusedMultiplyAdd(series * x, x, x);
            var expm1 = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(Expm1Series)), series, Exp(x) - Vector512<float>.One);
            return Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, Vector512.Create(alpha) * expm1);
        }
    }
}
