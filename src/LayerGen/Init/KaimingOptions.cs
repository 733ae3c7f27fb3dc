using System;

namespace LayerGen;

/// <summary>
/// The knobs of Kaiming (He) initialisation, with PyTorch's defaults:
/// <c>kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu")</c>.
/// </summary>
/// <param name="A">The negative slope of the leaky ReLU that follows (only used with <see cref="Nonlinearity.LeakyRelu"/>).</param>
/// <param name="Mode">Whether to scale by the fan-in or the fan-out.</param>
/// <param name="Nonlinearity">The activation that follows, for <see cref="Init.CalculateGain"/>.</param>
/// <remarks>
/// With the defaults (leaky ReLU of slope 0) the gain is √2, the ReLU gain. Fans are read the way PyTorch
/// reads them, from a weight laid out <c>[out, in, ...]</c>; for a weight stored <c>[in, out]</c> (the
/// chapter's <c>MyLinear</c>) use <see cref="FanMode.FanOut"/> to scale by the real number of inputs.
/// </remarks>
public sealed record KaimingOptions(float A = 0f, FanMode Mode = FanMode.FanIn, Nonlinearity Nonlinearity = Nonlinearity.LeakyRelu)
{
    /// <summary>PyTorch's defaults: a = 0, fan-in, leaky ReLU (gain √2).</summary>
    public static KaimingOptions Default { get; } = new();

    /// <summary>
    /// What <c>torch.nn.Linear.reset_parameters</c> uses for its weight: a = √5, fan-in, leaky ReLU, which
    /// makes <see cref="Init.KaimingUniform(KaimingOptions, int[])"/> uniform in ±1/√fan_in.
    /// </summary>
    public static KaimingOptions TorchLinear { get; } = new(MathF.Sqrt(5f));
}
