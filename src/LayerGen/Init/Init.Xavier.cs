using System;

namespace LayerGen;

// Xavier / Glorot (Glorot & Bengio, 2010): variance 2 / (fan_in + fan_out), times gain².
public static partial class Init
{
    /// <summary>
    /// A tensor drawn uniformly from ±√3 · √(2 / (fan_in + fan_out)), as <c>xavier_uniform_</c> with gain 1.
    /// Needs at least two dimensions (see <see cref="CalculateFanInAndFanOut(ReadOnlySpan{int})"/>).
    /// </summary>
    public static Tensor XavierUniform(params int[] shape) => XavierUniform(new Tensor(shape));

    /// <summary>
    /// A tensor drawn uniformly from ±<paramref name="gain"/> · √3 · √(2 / (fan_in + fan_out)).
    /// Write the gain as a float (<c>XavierUniform(1.5f, 4, 3)</c>, or <see cref="CalculateGain"/>):
    /// an int in first position is read as a size by the overload without a gain.
    /// </summary>
    public static Tensor XavierUniform(float gain, params int[] shape) => XavierUniform(new Tensor(shape), gain);

    /// <summary>Fills <paramref name="tensor"/> as <c>xavier_uniform_(tensor, gain)</c>.</summary>
    /// <exception cref="ArgumentException">The tensor has fewer than two dimensions.</exception>
    public static Tensor XavierUniform(Tensor tensor, float gain = 1f)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        double std = XavierStd(tensor.Shape, gain);
        if (tensor.Count > 0)
        {
            float bound = (float)(Math.Sqrt(3.0) * std); // a uniform on ±b has standard deviation b / √3
            RandomSource.FillUniform(tensor.Data, -bound, bound);
        }

        return tensor;
    }

    /// <summary>A tensor of normal draws N(0, 2 / (fan_in + fan_out)), as <c>xavier_normal_</c> with gain 1.</summary>
    public static Tensor XavierNormal(params int[] shape) => XavierNormal(new Tensor(shape));

    /// <summary>
    /// A tensor of normal draws N(0, <paramref name="gain"/>² · 2 / (fan_in + fan_out)). Write the gain as a
    /// float: an int in first position is read as a size by the overload without a gain.
    /// </summary>
    public static Tensor XavierNormal(float gain, params int[] shape) => XavierNormal(new Tensor(shape), gain);

    /// <summary>Fills <paramref name="tensor"/> as <c>xavier_normal_(tensor, gain)</c>.</summary>
    /// <exception cref="ArgumentException">The tensor has fewer than two dimensions.</exception>
    public static Tensor XavierNormal(Tensor tensor, float gain = 1f)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        double std = XavierStd(tensor.Shape, gain);
        if (tensor.Count > 0)
        {
            RandomSource.FillNormal(tensor.Data, 0f, (float)std);
        }

        return tensor;
    }

    private static double XavierStd(ReadOnlySpan<int> shape, float gain)
    {
        if (!float.IsFinite(gain))
        {
            throw new ArgumentOutOfRangeException(nameof(gain), gain, "gain must be finite");
        }

        (int fanIn, int fanOut) = CalculateFanInAndFanOut(shape);
        return fanIn + fanOut == 0 ? 0.0 : gain * Math.Sqrt(2.0 / ((double)fanIn + fanOut));
    }
}
