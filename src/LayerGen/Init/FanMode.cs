namespace LayerGen;

/// <summary>Which fan Kaiming initialisation scales by, as PyTorch's <c>mode="fan_in"</c> / <c>"fan_out"</c>.</summary>
/// <remarks>See <see cref="Init.CalculateFanInAndFanOut(System.ReadOnlySpan{int})"/> for which dimension each fan is read from.</remarks>
public enum FanMode
{
    /// <summary>Preserve the variance of the forward pass: scale by the fan-in (dimension 1 times the receptive field).</summary>
    FanIn,

    /// <summary>Preserve the variance of the backward pass: scale by the fan-out (dimension 0 times the receptive field).</summary>
    FanOut,
}
