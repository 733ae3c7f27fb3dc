namespace LayerGen;

/// <summary>
/// The activations <see cref="Init.CalculateGain"/> knows, named as in PyTorch's
/// <c>torch.nn.init.calculate_gain</c> (<c>"linear"</c>, <c>"conv1d"</c>, ..., <c>"leaky_relu"</c>, <c>"selu"</c>).
/// </summary>
public enum Nonlinearity
{
    /// <summary>The identity (gain 1).</summary>
    Linear,

    /// <summary>A 1-D convolution without activation (gain 1).</summary>
    Conv1d,

    /// <summary>A 2-D convolution without activation (gain 1).</summary>
    Conv2d,

    /// <summary>A 3-D convolution without activation (gain 1).</summary>
    Conv3d,

    /// <summary>A 1-D transposed convolution without activation (gain 1).</summary>
    ConvTranspose1d,

    /// <summary>A 2-D transposed convolution without activation (gain 1).</summary>
    ConvTranspose2d,

    /// <summary>A 3-D transposed convolution without activation (gain 1).</summary>
    ConvTranspose3d,

    /// <summary>The logistic sigmoid (gain 1).</summary>
    Sigmoid,

    /// <summary>The hyperbolic tangent (gain 5/3).</summary>
    Tanh,

    /// <summary>max(x, 0) (gain √2).</summary>
    Relu,

    /// <summary>max(x, slope·x) (gain √(2 / (1 + slope²)), slope 0.01 unless given).</summary>
    LeakyRelu,

    /// <summary>Scaled ELU (gain 3/4, as PyTorch chooses for self-normalising networks).</summary>
    Selu,
}
