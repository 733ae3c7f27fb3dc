using LayerGen;

namespace LayerGen.Tests.Layers.Generic;

/// <summary>A tag type: which side of a model a layer belongs to, for the code around it.</summary>
public sealed class Encoder
{
}

/// <summary>Another tag type.</summary>
public sealed class Decoder
{
}

/// <summary>
/// MyLinear (relu(x W + b)) as a generic class whose type parameter is a tag the class's other members use and
/// <c>Forward</c> does not: its kernels serve every type argument.
/// </summary>
[Layer]
public partial class TaggedLinear<TTag>(int inUnits, int units)
    where TTag : class
{
    [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
    [Parameter] Tensor bias = Tensor.Randn(units);

    /// <summary>The tag's name: the type parameter used outside Forward.</summary>
    public string Tag => typeof(TTag).Name;

    Tensor Forward(Tensor x) => Ops.Relu(x.MatMul(weight) + bias);
}

/// <summary>Layers nested in a generic type: they are generic too (in its type parameter).</summary>
public partial class Blocks<TConfig>
{
    /// <summary>An element-wise scale.</summary>
    [Layer]
    public partial class Scale(int n)
    {
        [Parameter] Tensor w = Tensor.Randn(n);

        Tensor Forward(Tensor x) => Ops.Tanh(x * w);
    }
}
