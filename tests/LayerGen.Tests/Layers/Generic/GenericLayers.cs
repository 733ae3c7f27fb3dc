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

/// <summary>
/// A layer holding generic layers as children (issue 16): an encoder and a decoder MyLinear told apart by their tags, and
/// a scale nested in a generic type between them. Each child runs the kernel its sizes specialise, whatever its type arguments.
/// </summary>
[Layer]
public partial class TaggedAutoencoder(int inUnits, int hidden)
{
    private readonly TaggedLinear<Encoder> encoder = new(inUnits, hidden);
    private readonly Blocks<Decoder>.Scale scale = new(hidden);
    private readonly TaggedLinear<Decoder> decoder = new(hidden, inUnits);

    /// <summary>The encoder (a view of the child, not a child of its own).</summary>
    public TaggedLinear<Encoder> EncoderLayer => encoder;

    /// <summary>The scale between them.</summary>
    public Blocks<Decoder>.Scale ScaleLayer => scale;

    /// <summary>The decoder.</summary>
    public TaggedLinear<Decoder> DecoderLayer => decoder;

    Tensor Forward(Tensor x) => decoder.Call(scale.Call(encoder.Call(x))) - x;
}
