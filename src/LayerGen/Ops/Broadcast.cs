using System;

namespace LayerGen;

/// <summary>
/// NumPy broadcasting for the eager reference ops: shapes are aligned at their last dimension and a
/// size-1 (or missing) dimension stretches to match the other operand.
/// </summary>
/// <remarks>
/// The reference path favours obvious over fast: instead of stride tricks, <see cref="IndexMap"/>
/// spells out, for every output element, which input element it reads. Backward then accumulates
/// through the same map, which sums over the broadcast dimensions without a separate reduction.
/// </remarks>
internal static class Broadcast
{
    /// <summary>The broadcast shape of two operands, with PyTorch's error when they are incompatible.</summary>
    public static int[] Shape(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 1; i <= rank; i++)
        {
            int sizeA = i <= a.Length ? a[^i] : 1;
            int sizeB = i <= b.Length ? b[^i] : 1;
            if (sizeA != sizeB && sizeA != 1 && sizeB != 1)
            {
                throw new ArgumentException(
                    $"The size of tensor a ({sizeA}) must match the size of tensor b ({sizeB}) at non-singleton dimension {rank - i}");
            }

            result[^i] = sizeA == 1 ? sizeB : sizeA;
        }

        return result;
    }

    /// <summary>
    /// For each element of a tensor of shape <paramref name="output"/> (row-major), the flat index of
    /// the element of a tensor of shape <paramref name="input"/> that broadcasting maps onto it.
    /// </summary>
    public static int[] IndexMap(ReadOnlySpan<int> output, ReadOnlySpan<int> input)
    {
        int rank = output.Length;
        int offset = rank - input.Length; // input dims align with the trailing output dims

        // Input strides expressed per output dimension; 0 where the input broadcasts.
        var strides = new int[rank];
        int stride = 1;
        for (int d = input.Length - 1; d >= 0; d--)
        {
            strides[d + offset] = input[d] == 1 ? 0 : stride;
            stride *= input[d];
        }

        int count = Tensor.CountOf(output);
        var map = new int[count];
        var index = new int[rank]; // the output multi-index, advanced like an odometer
        int source = 0;
        for (int i = 0; i < count; i++)
        {
            map[i] = source;
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                source += strides[d];
                if (index[d] < output[d])
                {
                    break;
                }

                source -= strides[d] * index[d];
                index[d] = 0;
            }
        }

        return map;
    }
}
