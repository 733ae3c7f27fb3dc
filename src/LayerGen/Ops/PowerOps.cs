using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;

// a to the power b with a tensor exponent (torch.pow(a, b)): the eager op with both gradients, and the generated
// kernels' KernelMath forms. Its row of the generator's op table is PowTensor, in
// generator/LayerGen.Generator/Ir/Elementwise.Exponentials.cs.
namespace LayerGen
{
    public static partial class Ops
    {
        /// <summary>
        /// a^b elementwise with broadcasting (torch.pow with a tensor exponent), C's pow on every value: 0^0 = 1,
        /// a negative base gives NaN unless b is a whole number. Gradients as torch's: g·b·a^(b−1) to a (0 where b = 0),
        /// g·a^b·log a to b (0 where a = 0 and b ≥ 0).
        /// </summary>
        public static Tensor Pow(Tensor a, Tensor exponent) => PowerOps.Pow(a, exponent);
    }

    public sealed partial class Tensor
    {
        /// <summary>See <see cref="Ops.Pow(Tensor, Tensor)"/>.</summary>
        public Tensor Pow(Tensor exponent) => Ops.Pow(this, exponent);
    }

    internal static class PowerOps
    {
        public static Tensor Pow(Tensor a, Tensor b)
        {
            ArgumentNullException.ThrowIfNull(a);
            ArgumentNullException.ThrowIfNull(b);
            int[] shape = Broadcast.Shape(a.Shape, b.Shape);
            int[] mapA = Broadcast.IndexMap(shape, a.Shape);
            int[] mapB = Broadcast.IndexMap(shape, b.Shape);
            var y = new float[mapA.Length];
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = (float)Math.Pow(a.Data[mapA[i]], b.Data[mapB[i]]);
            }

            Tensor result = Tensor.Wrap(y, shape);
            if (GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad))
            {
                result.SetGradFn(new PowBackward(a, b, mapA, mapB));
            }

            return result;
        }

        /// <summary>torch's pow_backward_self and pow_backward_exponent, in double, summed through the broadcast maps.</summary>
        private sealed class PowBackward(Tensor a, Tensor b, int[] mapA, int[] mapB) : GradFn("PowBackward1", a, b)
        {
            public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
            {
                for (int i = 0; i < outputGrad.Length; i++)
                {
                    double u = a.Data[mapA[i]], v = b.Data[mapB[i]], g = outputGrad[i];
                    if (inputGrads[0] is { } gradA)
                    {
                        gradA[mapA[i]] += v == 0 ? 0f : (float)(g * (v * Math.Pow(u, v - 1)));
                    }

                    if (inputGrads[1] is { } gradB)
                    {
                        gradB[mapB[i]] += (float)(g * (u == 0 && v >= 0 ? 0 : Math.Pow(u, v) * Math.Log(u)));
                    }
                }
            }
        }
    }
}

namespace LayerGen.Kernels
{
    public static partial class KernelMath
    {
        // The scalar form is Pow(float, float) (KernelMath's, also the constant exponent's): MathF.Pow, squares exact.

        /// <summary>
        /// x^exponent per lane with a tensor exponent: <see cref="Pow(float, float)"/> on each (C's powf, within an ulp;
        /// a loop, not a SIMD polynomial — docs/ops.md).
        /// </summary>
        public static Vector<float> Pow(Vector<float> x, Vector<float> exponent)
        {
            Span<float> lanes = stackalloc float[Vector<float>.Count];
            Span<float> powers = stackalloc float[Vector<float>.Count];
            x.CopyTo(lanes);
            exponent.CopyTo(powers);
            for (int i = 0; i < lanes.Length; i++)
            {
                lanes[i] = Pow(lanes[i], powers[i]);
            }

            return new Vector<float>(lanes);
        }

        /// <inheritdoc cref="Pow(Vector{float}, Vector{float})"/>
        public static Vector512<float> Pow(Vector512<float> x, Vector512<float> exponent)
        {
            Span<float> lanes = stackalloc float[Vector512<float>.Count];
            Span<float> powers = stackalloc float[Vector512<float>.Count];
            x.StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
            exponent.StoreUnsafe(ref MemoryMarshal.GetReference(powers));
            for (int i = 0; i < lanes.Length; i++)
            {
                lanes[i] = Pow(lanes[i], powers[i]);
            }

            return Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(lanes));
        }
    }
}
