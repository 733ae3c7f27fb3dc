using System;

namespace LayerGen;

/// <summary>
/// The eager reference for comparing and choosing, elementwise with NumPy broadcasting: the masks
/// (<c>Gt Lt Ge Le Eq</c>), <c>Where(mask, a, b)</c>, and <c>Maximum</c>/<c>Minimum</c> of two tensors.
/// </summary>
/// <remarks>
/// A mask is a float tensor of 1s and 0s with no gradient (a comparison is piecewise constant), so it
/// is a leaf that requires no grad even when its operands do, as a PyTorch bool tensor. Comparisons
/// follow IEEE: any comparison with NaN is false (0).
/// <c>Where</c> and <c>Maximum</c>/<c>Minimum</c> route each output element's gradient to the operand
/// element it came from, through the broadcast index maps, which also sums over broadcast dimensions.
/// </remarks>
internal static class ComparisonOps
{
    public enum Comparison
    {
        Greater,
        Less,
        GreaterOrEqual,
        LessOrEqual,
        Equal,
    }

    public static Tensor Compare(Comparison comparison, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = Broadcast.Shape(a.Shape, b.Shape);
        int[] mapA = Broadcast.IndexMap(shape, a.Shape);
        int[] mapB = Broadcast.IndexMap(shape, b.Shape);
        var mask = new float[mapA.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            float u = a.Data[mapA[i]], v = b.Data[mapB[i]];
            bool holds = comparison switch
            {
                Comparison.Greater => u > v,
                Comparison.Less => u < v,
                Comparison.GreaterOrEqual => u >= v,
                Comparison.LessOrEqual => u <= v,
                _ => u == v,
            };
            mask[i] = holds ? 1f : 0f;
        }

        return Tensor.Wrap(mask, shape); // no GradFn: a mask carries no gradient
    }

    /// <summary>
    /// mask != 0 ? a : b over the broadcast shape of all three (a NaN mask element counts as non-zero,
    /// so selects a). Gradients go to a and b; the mask gets none.
    /// </summary>
    public static Tensor Where(Tensor mask, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = Broadcast.Shape(Broadcast.Shape(mask.Shape, a.Shape), b.Shape);
        int[] mapMask = Broadcast.IndexMap(shape, mask.Shape);
        int[] mapA = Broadcast.IndexMap(shape, a.Shape);
        int[] mapB = Broadcast.IndexMap(shape, b.Shape);
        var y = new float[mapA.Length];
        var fromA = new bool[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            fromA[i] = mask.Data[mapMask[i]] != 0f;
            y[i] = fromA[i] ? a.Data[mapA[i]] : b.Data[mapB[i]];
        }

        Tensor result = Tensor.Wrap(y, shape);
        if (GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad))
        {
            // Weight 1 to the chosen operand, 0 to the other.
            var weightA = new float[y.Length];
            var weightB = new float[y.Length];
            for (int i = 0; i < y.Length; i++)
            {
                (weightA[i], weightB[i]) = fromA[i] ? (1f, 0f) : (0f, 1f);
            }

            result.SetGradFn(new RouteBackward("WhereBackward0", a, b, mapA, mapB, weightA, weightB));
        }

        return result;
    }

    public static Tensor Maximum(Tensor a, Tensor b) => Extreme(a, b, max: true);

    public static Tensor Minimum(Tensor a, Tensor b) => Extreme(a, b, max: false);

    /// <summary>
    /// max(a, b) (or min) elementwise with broadcasting; NaN in either operand gives NaN, as
    /// torch.maximum. The gradient goes to the larger (smaller) operand; on a tie it is split half and
    /// half, as PyTorch's maximum backward does.
    /// </summary>
    private static Tensor Extreme(Tensor a, Tensor b, bool max)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = Broadcast.Shape(a.Shape, b.Shape);
        int[] mapA = Broadcast.IndexMap(shape, a.Shape);
        int[] mapB = Broadcast.IndexMap(shape, b.Shape);
        var y = new float[mapA.Length];
        var weightA = new float[y.Length];
        var weightB = new float[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            float u = a.Data[mapA[i]], v = b.Data[mapB[i]];
            y[i] = max ? MathF.Max(u, v) : MathF.Min(u, v); // both propagate NaN

            // PyTorch: where(a == b, dy / 2, dy), zeroed where the operand loses. A NaN comparison
            // is neither equal nor losing, so with a NaN both operands get the whole dy, as there.
            bool aLoses = max ? u < v : u > v;
            bool bLoses = max ? u > v : u < v;
            float share = u == v ? 0.5f : 1f;
            weightA[i] = aLoses ? 0f : share;
            weightB[i] = bLoses ? 0f : share;
        }

        Tensor result = Tensor.Wrap(y, shape);
        if (GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad))
        {
            result.SetGradFn(new RouteBackward(max ? "MaximumBackward0" : "MinimumBackward0", a, b, mapA, mapB, weightA, weightB));
        }

        return result;
    }

    /// <summary>
    /// Each output element's gradient, weighted per operand (0, 1/2 or 1): da += weightA dy, db += weightB dy,
    /// through the broadcast maps. A weight of 0 selects nothing, as PyTorch's where and masked_fill do, so even a
    /// NaN or infinite dy adds nothing there.
    /// </summary>
    private sealed class RouteBackward(string name, Tensor a, Tensor b, int[] mapA, int[] mapB, float[] weightA, float[] weightB)
        : GradFn(name, a, b)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is { } gradA)
            {
                for (int i = 0; i < outputGrad.Length; i++)
                {
                    if (weightA[i] != 0f)
                    {
                        gradA[mapA[i]] += weightA[i] * outputGrad[i];
                    }
                }
            }

            if (inputGrads[1] is { } gradB)
            {
                for (int i = 0; i < outputGrad.Length; i++)
                {
                    if (weightB[i] != 0f)
                    {
                        gradB[mapB[i]] += weightB[i] * outputGrad[i];
                    }
                }
            }
        }
    }
}
