using System;

namespace LayerGen;

// Kaiming / He (He et al., 2015): variance gain² / fan, fan-in by default.
public static partial class Init
{
    /// <summary>
    /// A tensor drawn uniformly from ±√3 · gain / √fan_in with PyTorch's defaults (a = 0, fan-in,
    /// leaky ReLU: gain √2), as <c>kaiming_uniform_</c>. Needs at least two dimensions.
    /// </summary>
    /// <remarks>PyTorch reads the fan-in from dimension 1 (the <c>[out, in]</c> layout); see <see cref="KaimingOptions"/> for an <c>[in, out]</c> weight.</remarks>
    public static Tensor KaimingUniform(params int[] shape) => KaimingUniform(new Tensor(shape));

    /// <summary>A tensor drawn uniformly from ±√3 · gain / √fan, with the gain and fan chosen by <paramref name="options"/>.</summary>
    public static Tensor KaimingUniform(KaimingOptions options, params int[] shape) => KaimingUniform(new Tensor(shape), options);

    /// <summary>Fills <paramref name="tensor"/> as <c>kaiming_uniform_</c> (defaults: <see cref="KaimingOptions.Default"/>).</summary>
    /// <exception cref="ArgumentException">The tensor has fewer than two dimensions.</exception>
    public static Tensor KaimingUniform(Tensor tensor, KaimingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Count == 0)
        {
            return tensor; // PyTorch: "Initializing zero-element tensors is a no-op"
        }

        float bound = (float)(Math.Sqrt(3.0) * KaimingStd(tensor.Shape, options ?? KaimingOptions.Default));
        RandomSource.FillUniform(tensor.Data, -bound, bound);
        return tensor;
    }

    /// <summary>A tensor of normal draws N(0, gain² / fan_in) with PyTorch's defaults (gain √2), as <c>kaiming_normal_</c>.</summary>
    public static Tensor KaimingNormal(params int[] shape) => KaimingNormal(new Tensor(shape));

    /// <summary>A tensor of normal draws N(0, gain² / fan), with the gain and fan chosen by <paramref name="options"/>.</summary>
    public static Tensor KaimingNormal(KaimingOptions options, params int[] shape) => KaimingNormal(new Tensor(shape), options);

    /// <summary>Fills <paramref name="tensor"/> as <c>kaiming_normal_</c> (defaults: <see cref="KaimingOptions.Default"/>).</summary>
    /// <exception cref="ArgumentException">The tensor has fewer than two dimensions.</exception>
    public static Tensor KaimingNormal(Tensor tensor, KaimingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Count == 0)
        {
            return tensor;
        }

        float std = (float)KaimingStd(tensor.Shape, options ?? KaimingOptions.Default);
        RandomSource.FillNormal(tensor.Data, 0f, std);
        return tensor;
    }

    private static double KaimingStd(ReadOnlySpan<int> shape, KaimingOptions options)
    {
        int fan = Fan(shape, options.Mode);
        return Gain(options.Nonlinearity, options.A) / Math.Sqrt(fan);
    }
}
