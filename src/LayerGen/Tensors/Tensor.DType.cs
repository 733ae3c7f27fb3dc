using System;

namespace LayerGen;

// The dtype: int64 storage next to the float32 one, conversions between them (PyTorch's .float() and
// .long()) and the errors that name the dtype when a member of one is used on the other.
public sealed partial class Tensor
{
    // The int64 twin of the float constructor: takes ownership, no checks.
    private Tensor(long[] data, int[] shape)
    {
        _data = [];
        _longData = data;
        _shape = shape;
    }

    /// <summary>The element type: <see cref="DType.Float32"/> (values) or <see cref="DType.Int64"/> (ids, class labels).</summary>
    public DType DType => _longData is null ? DType.Float32 : DType.Int64;

    /// <summary>The int64 storage, contiguous and row-major (the float32 twin of <see cref="Data"/>).</summary>
    /// <exception cref="InvalidOperationException">The tensor's dtype is float32 (read <see cref="Data"/>, or convert with <see cref="ToLong"/>).</exception>
    public long[] LongData => _longData ?? throw NotLong("LongData");

    /// <summary>The value of a one-element int64 tensor, like PyTorch's <c>item()</c> on a long tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor does not have exactly one element, or is float32.</exception>
    public long LongItem()
    {
        long[] data = LongData;
        if (data.Length != 1)
        {
            throw new InvalidOperationException($"a Tensor with {data.Length} elements cannot be converted to Scalar");
        }

        return data[0];
    }

    /// <summary>A copy of the elements of an int64 tensor in row-major order.</summary>
    /// <exception cref="InvalidOperationException">The tensor's dtype is float32.</exception>
    public long[] ToLongArray() => (long[])LongData.Clone();

    /// <summary>
    /// This tensor as float32, as PyTorch's <c>.float()</c>: itself when it already is; otherwise a new
    /// leaf holding each id as a float (exact below 2^24), which requires no grad.
    /// </summary>
    public Tensor ToFloat()
    {
        if (_longData is null)
        {
            return this;
        }

        var data = new float[_longData.Length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = _longData[i];
        }

        return new Tensor(data, _shape);
    }

    /// <summary>
    /// This tensor as int64, as PyTorch's <c>.long()</c>: itself when it already is; otherwise a new leaf
    /// (no grad) holding each value truncated towards zero. NaN becomes 0 and values beyond the int64
    /// range saturate (PyTorch leaves both undefined).
    /// </summary>
    public Tensor ToLong()
    {
        if (_longData is not null)
        {
            return this;
        }

        var data = new long[_data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (long)_data[i];
        }

        return new Tensor(data, _shape);
    }

    /// <summary>Wraps trusted int64 storage (already validated, not shared with the caller's caller).</summary>
    internal static Tensor WrapLong(long[] data, int[] shape) => new(data, shape);

    /// <summary>A leaf with the same storage (whichever dtype) under another shape of the same count: a view.</summary>
    internal Tensor ShareStorage(int[] shape) => _longData is null ? new(_data, shape) : new(_longData, shape);

    /// <summary>The error for a float32-only member or op used on an int64 tensor.</summary>
    internal InvalidOperationException NotFloat(string what) => new(
        $"{what} needs a float32 tensor, but this one has dtype int64 (ids or class labels): convert it with ToFloat() " +
        "(PyTorch's .float()), or read its ids through LongData.");

    /// <summary>The error for an int64-only member or op used on a float32 tensor.</summary>
    internal InvalidOperationException NotLong(string what) => new(
        $"{what} needs an int64 tensor, but this one has dtype float32: convert it with ToLong() (PyTorch's .long()), " +
        "or read its values through Data.");

    /// <summary>The name PyTorch prints for a dtype: <c>torch.float32</c>, <c>torch.int64</c>.</summary>
    internal static string TorchName(DType dtype) => dtype == DType.Int64 ? "torch.int64" : "torch.float32";
}
