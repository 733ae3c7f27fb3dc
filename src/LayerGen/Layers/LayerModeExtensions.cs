namespace LayerGen;

/// <summary>Training and evaluation mode over a layer tree, as PyTorch's <c>module.eval()</c>.</summary>
public static class LayerModeExtensions
{
    /// <summary>
    /// Puts <paramref name="layer"/> and its children in evaluation mode: <c>layer.Train(false)</c>
    /// (so <see cref="Ops.Dropout"/> becomes the identity in layers that use it).
    /// </summary>
    /// <returns><paramref name="layer"/>, as PyTorch's <c>eval()</c> returns the module, so that <c>var net = new Sequential(...).Eval();</c> reads as one expression.</returns>
    public static T Eval<T>(this T layer)
        where T : ILayer
    {
        System.ArgumentNullException.ThrowIfNull(layer);
        layer.Train(false);
        return layer;
    }
}
