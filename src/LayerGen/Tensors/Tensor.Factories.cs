using System;

namespace LayerGen;

// Factories, named as in PyTorch (torch.tensor -> From, torch.zeros -> Zeros, ...).
// Every factory returns a fresh leaf that does not require grad.
public sealed partial class Tensor
{
    /// <summary>A 1-D tensor holding a copy of <paramref name="values"/>: <c>Tensor.From(1f, 2, 3)</c>.</summary>
    public static Tensor From(params float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new Tensor((float[])values.Clone(), [values.Length]);
    }

    /// <summary>A 2-D tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor From(float[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), columns = values.GetLength(1);
        var data = new float[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                data[r * columns + c] = values[r, c];
            }
        }

        return new Tensor(data, [rows, columns]);
    }

    /// <summary>A tensor of the given shape holding a copy of <paramref name="values"/> (row-major).</summary>
    public static Tensor From(float[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        return FromBuffer((float[])values.Clone(), shape);
    }

    /// <summary>A zero-filled tensor.</summary>
    public static Tensor Zeros(params int[] shape) => new(shape);

    /// <summary>A tensor filled with ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var tensor = new Tensor(shape);
        tensor._data.AsSpan().Fill(value);
        return tensor;
    }

    /// <summary>Uniform samples from [0, 1), drawn from the global <see cref="RandomSource"/>.</summary>
    public static Tensor Rand(params int[] shape)
    {
        var tensor = new Tensor(shape);
        RandomSource.FillUniform(tensor._data);
        return tensor;
    }

    /// <summary>Standard-normal samples, drawn from the global <see cref="RandomSource"/>.</summary>
    public static Tensor Randn(params int[] shape)
    {
        var tensor = new Tensor(shape);
        RandomSource.FillNormal(tensor._data);
        return tensor;
    }

    /// <summary>Seeds the global generator, like <c>torch.manual_seed</c>. See <see cref="RandomSource"/>.</summary>
    public static void ManualSeed(ulong seed) => RandomSource.ManualSeed(seed);

    /// <summary><c>[0, 1, ..., n-1]</c> as floats.</summary>
    public static Tensor Arange(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var data = new float[n];
        for (int i = 0; i < n; i++)
        {
            data[i] = i;
        }

        return new Tensor(data, [n]);
    }

    /// <summary>Values from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive) in steps of <paramref name="step"/>.</summary>
    public static Tensor Arange(float start, float end, float step = 1f)
    {
        if (step == 0f || !float.IsFinite(step) || !float.IsFinite(start) || !float.IsFinite(end))
        {
            throw new ArgumentException("Arange needs finite bounds and a non-zero step.", nameof(step));
        }

        if ((end - start) * step < 0)
        {
            throw new ArgumentException("upper bound and larger bound inconsistent with step sign", nameof(end));
        }

        // Computed in double as PyTorch does, so that e.g. Arange(0, 1, 0.1f) has 10 elements, not 11.
        int count = (int)Math.Ceiling(((double)end - start) / step);
        var data = new float[count];
        for (int i = 0; i < count; i++)
        {
            data[i] = (float)(start + (double)i * step);
        }

        return new Tensor(data, [count]);
    }

    /// <summary>A 1-D int64 tensor holding a copy of <paramref name="ids"/> (<c>torch.tensor([1, 2, 3])</c>): <c>Tensor.FromIds(1, 2, 3)</c>.</summary>
    public static Tensor FromIds(params long[] ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return new Tensor((long[])ids.Clone(), [ids.Length]);
    }

    /// <summary>An int64 tensor of the given shape holding a copy of <paramref name="ids"/> (row-major): <c>Tensor.FromIds([0, 2, 1, 1], 2, 2)</c>.</summary>
    /// <exception cref="ArgumentException">The length of <paramref name="ids"/> is not the product of <paramref name="shape"/>.</exception>
    public static Tensor FromIds(long[] ids, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int count = CountOf(shape);
        if (ids.Length != count)
        {
            throw new ArgumentException(
                $"{ids.Length} ids cannot be viewed as shape {FormatShape(shape)} ({count} elements).", nameof(ids));
        }

        return new Tensor((long[])ids.Clone(), CopyShape(shape));
    }

    /// <summary>A zero-filled tensor of <paramref name="dtype"/>, as <c>torch.zeros(*shape, dtype=...)</c>: <c>Tensor.Zeros(DType.Int64, 2, 3)</c>.</summary>
    public static Tensor Zeros(DType dtype, params int[] shape) =>
        dtype == DType.Int64 ? new Tensor(new long[CountOf(shape)], CopyShape(shape)) : new Tensor(shape);

    /// <summary>A tensor of <paramref name="dtype"/> filled with ones.</summary>
    public static Tensor Ones(DType dtype, params int[] shape)
    {
        Tensor tensor = Zeros(dtype, shape);
        if (dtype == DType.Int64)
        {
            tensor._longData!.AsSpan().Fill(1);
        }
        else
        {
            tensor._data.AsSpan().Fill(1f);
        }

        return tensor;
    }

    /// <summary>
    /// <c>[0, 1, ..., n-1]</c> of <paramref name="dtype"/>, as <c>torch.arange(n, dtype=...)</c>. (torch.arange of an
    /// integer is int64; <see cref="Arange(int)"/> stays float32, as LayerGen has always had it.)
    /// </summary>
    public static Tensor Arange(DType dtype, int n) => dtype == DType.Int64 ? Arange(n).ToLong() : Arange(n);

    /// <summary>
    /// Uniform random int64 values in [0, <paramref name="high"/>), as <c>torch.randint(high, shape)</c>, drawn from the
    /// global <see cref="RandomSource"/>: random token ids or class labels.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="high"/> is not positive.</exception>
    public static Tensor RandInt(long high, params int[] shape)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(high);
        var data = new long[CountOf(shape)];
        RandomSource.FillIntegers(data, 0, high);
        return new Tensor(data, CopyShape(shape));
    }

    /// <summary>A 0-d tensor, the form a float operand takes inside the broadcasting operators.</summary>
    internal static Tensor Scalar(float value) => new([value], []);
}
