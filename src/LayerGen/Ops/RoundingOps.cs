using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

// Floor, ceiling, rounding and sign: piecewise constant, so their gradient is zero (torch gives zeros, even from a
// NaN or infinite incoming gradient). The eager ops and the generated kernels' KernelMath forms, which are exact.
// Their rows of the generator's op table are in generator/LayerGen.Generator/Ir/Elementwise.Rounding.cs.
namespace LayerGen
{
    public static partial class Ops
    {
        /// <summary>The largest whole number ≤ x, elementwise (torch.floor); zero gradient.</summary>
        public static Tensor Floor(Tensor x) => UnaryOps.Apply(RoundingRules.Floor, x);

        /// <summary>The smallest whole number ≥ x, elementwise (torch.ceil); zero gradient.</summary>
        public static Tensor Ceil(Tensor x) => UnaryOps.Apply(RoundingRules.Ceil, x);

        /// <summary>The nearest whole number, halves to even (torch.round: 0.5 → 0, 1.5 → 2, 2.5 → 2), elementwise; zero gradient.</summary>
        public static Tensor Round(Tensor x) => UnaryOps.Apply(RoundingRules.Round, x);

        /// <summary>−1, 0 or 1 by the sign of x, elementwise, and 0 at NaN (as torch.sign); zero gradient.</summary>
        public static Tensor Sign(Tensor x) => UnaryOps.Apply(RoundingRules.Sign, x);
    }

    public sealed partial class Tensor
    {
        /// <summary>See <see cref="Ops.Floor"/>.</summary>
        public Tensor Floor() => Ops.Floor(this);

        /// <summary>See <see cref="Ops.Ceil"/>.</summary>
        public Tensor Ceil() => Ops.Ceil(this);

        /// <summary>See <see cref="Ops.Round"/>.</summary>
        public Tensor Round() => Ops.Round(this);

        /// <summary>See <see cref="Ops.Sign"/>.</summary>
        public Tensor Sign() => Ops.Sign(this);
    }

    internal static class RoundingRules
    {
        // The derivative 0 "selects": the input's gradient is 0 even where the incoming one is NaN or ∞, as torch's zeros.
        public static readonly UnaryOps.Rule Floor = new("FloorBackward0", Math.Floor, (x, y) => 0, Selects: true);

        public static readonly UnaryOps.Rule Ceil = new("CeilBackward0", Math.Ceiling, (x, y) => 0, Selects: true);

        public static readonly UnaryOps.Rule Round = new("RoundBackward0", x => Math.Round(x, MidpointRounding.ToEven), (x, y) => 0, Selects: true);

        public static readonly UnaryOps.Rule Sign = new("SignBackward0", x => x > 0 ? 1 : x < 0 ? -1 : 0, (x, y) => 0, Selects: true);
    }
}

namespace LayerGen.Kernels
{
    // Exact in every form (the hardware's rounding instructions). Sign's forms are older, beside Abs, whose derivative it is.
    public static partial class KernelMath
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Floor(float x) => MathF.Floor(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Floor(Vector<float> x) => Vector.Floor(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Floor(Vector512<float> x) => Vector512.Floor(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Ceil(float x) => MathF.Ceiling(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Ceil(Vector<float> x) => Vector.Ceiling(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Ceil(Vector512<float> x) => Vector512.Ceiling(x);

        /// <summary>To the nearest whole number, halves to even (torch.round).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Round(float x) => MathF.Round(x, MidpointRounding.ToEven);

        /// <inheritdoc cref="Round(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Round(Vector<float> x) => Vector.Round(x);

        /// <inheritdoc cref="Round(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Round(Vector512<float> x) => Vector512.Round(x);
    }
}
