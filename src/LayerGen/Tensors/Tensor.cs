using System;
using System.Runtime.CompilerServices;
using System.Text;

namespace LayerGen;

/// <summary>
/// A dense tensor: a shape plus contiguous row-major storage, and the autograd state that
/// PyTorch keeps on a tensor (<see cref="Grad"/>, <see cref="RequiresGrad"/>, <see cref="GradFn"/>).
/// Its <see cref="DType"/> is float32 (values, the default) or int64 (ids and class labels, see Tensor.DType.cs).
/// </summary>
/// <remarks>
/// There are no strides and no views with offsets: every tensor owns (or shares whole) one
/// contiguous <see cref="Data"/> array. That keeps kernels trivial (a tensor is a <c>Span&lt;float&gt;</c>
/// plus a shape) at the price of copying on <see cref="Transpose"/>.
/// This file holds storage, shape and element access; factories, autograd, operators and printing
/// live in the other <c>Tensor.*.cs</c> files.
/// </remarks>
public sealed partial class Tensor
{
    // A tensor has one storage: _data for float32, _longData for int64 (then _data is empty).
    private readonly float[] _data;
    private readonly long[]? _longData;
    private readonly int[] _shape;

    /// <summary>Creates a zero-filled tensor. No dimensions gives a 0-d (scalar) tensor.</summary>
    public Tensor(params int[] shape)
        : this(new float[CountOf(shape)], CopyShape(shape))
    {
    }

    // The one constructor everything funnels through: takes ownership of both arrays, no checks
    // (callers have validated them already).
    private Tensor(float[] data, int[] shape)
    {
        _data = data;
        _shape = shape;
    }

    /// <summary>Wraps <paramref name="data"/> without copying: writes to either are seen by both.</summary>
    /// <exception cref="ArgumentException">The length of <paramref name="data"/> is not the product of <paramref name="shape"/>.</exception>
    public static Tensor FromBuffer(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        int count = CountOf(shape);
        if (data.Length != count)
        {
            throw new ArgumentException(
                $"A buffer of {data.Length} floats cannot be viewed as shape {FormatShape(shape)} ({count} elements).",
                nameof(data));
        }

        return new Tensor(data, CopyShape(shape));
    }

    /// <summary>Wraps trusted arrays (already validated, not shared with the caller's caller).</summary>
    internal static Tensor Wrap(float[] data, int[] shape) => new(data, shape);

    /// <summary>The float32 storage, contiguous and row-major, exposed so that kernels can run over it directly.</summary>
    /// <exception cref="InvalidOperationException">The tensor's dtype is int64 (read <see cref="LongData"/>, or convert with <see cref="ToFloat"/>).</exception>
    public float[] Data => _longData is null ? _data : throw NotFloat("Data");

    /// <summary>The size of every dimension, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The shape array itself, for the runtime's own code; never mutate it.</summary>
    internal int[] ShapeArray => _shape;

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements (PyTorch's <c>numel</c>).</summary>
    public int Count => _longData?.Length ?? _data.Length;

    /// <summary>The size of dimension <paramref name="dim"/>; negative values count from the end, as in PyTorch.</summary>
    public int Size(int dim) => _shape[NormalizeDim(dim, Rank)];

    /// <summary>One element of a float32 tensor; negative indices count from the end of their dimension.</summary>
    // Renamed from the default "Item" in metadata, which the Item() method (PyTorch's item()) takes.
    [IndexerName("Element")]
    public float this[params int[] index]
    {
        get => Data[FlatIndex(index)];
        set => Data[FlatIndex(index)] = value;
    }

    /// <summary>The value of a one-element float32 tensor, like PyTorch's <c>item()</c> (for int64: <see cref="LongItem"/>).</summary>
    /// <exception cref="InvalidOperationException">The tensor does not have exactly one element, or is int64.</exception>
    public float Item()
    {
        float[] data = Data;
        if (Count != 1)
        {
            throw new InvalidOperationException($"a Tensor with {Count} elements cannot be converted to Scalar");
        }

        return data[0];
    }

    /// <summary>A copy of the elements of a float32 tensor in row-major order (for int64: <see cref="ToLongArray"/>).</summary>
    public float[] ToArray() => (float[])Data.Clone();

    /// <summary>
    /// PyTorch's <c>repr</c>, character for character with its default print options, e.g.
    /// <c>tensor([-2., -1.,  0.,  1.,  2.])</c> or <c>tensor(0.5000, grad_fn=&lt;MeanBackward0&gt;)</c>.
    /// </summary>
    public override string ToString() => TensorFormatter.Format(this);

    private int FlatIndex(int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != Rank)
        {
            throw new ArgumentException(
                $"A tensor of shape {FormatShape(_shape)} needs {Rank} indices but got {index.Length}.", nameof(index));
        }

        int flat = 0;
        for (int d = 0; d < index.Length; d++)
        {
            int size = _shape[d];
            int i = index[d] < 0 ? index[d] + size : index[d];
            if ((uint)i >= (uint)size)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(index), $"index {index[d]} is out of bounds for dimension {d} with size {size}");
            }

            flat = flat * size + i;
        }

        return flat;
    }

    /// <summary>Maps a possibly negative dimension to 0..rank-1, with PyTorch's error message.</summary>
    internal static int NormalizeDim(int dim, int rank)
    {
        int d = dim < 0 ? dim + rank : dim;
        if ((uint)d >= (uint)rank)
        {
            throw new ArgumentOutOfRangeException(
                nameof(dim), $"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})");
        }

        return d;
    }

    /// <summary>Product of the dimensions, validating that none is negative and the total fits in an int.</summary>
    internal static int CountOf(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (int size in shape)
        {
            if (size < 0)
            {
                throw new ArgumentException($"Shape {FormatShape(shape)} has a negative dimension.", nameof(shape));
            }

            count *= size;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"Shape {FormatShape(shape)} has too many elements.", nameof(shape));
            }
        }

        return (int)count;
    }

    // Shapes are copied on the way in so that a caller reusing its params array cannot reshape us.
    private static int[] CopyShape(int[]? shape) => shape is null ? [] : (int[])shape.Clone();

    /// <summary>Formats a shape the way error messages show it: <c>[2, 5]</c>.</summary>
    internal static string FormatShape(ReadOnlySpan<int> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(shape[i]);
        }

        return text.Append(']').ToString();
    }
}
