namespace LayerGen;

public sealed partial class Tensor
{
    /// <summary>Uniform samples from [<paramref name="low"/>, <paramref name="high"/>), drawn from the global <see cref="RandomSource"/>.</summary>
    /// <remarks>This is how <see cref="Linear"/> initialises, as <c>torch.nn.Linear</c> does (bound 1/√fan_in).</remarks>
    public static Tensor Uniform(float low, float high, params int[] shape)
    {
        var tensor = new Tensor(shape);
        RandomSource.FillUniform(tensor._data, low, high);
        return tensor;
    }
}
