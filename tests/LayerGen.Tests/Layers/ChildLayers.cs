using LayerGen;

namespace LayerGen.Tests.Layers.Children;

/// <summary>Two built-in Linear children (from the runtime assembly: shapes read from their [LayerSignature]).</summary>
[Layer]
public partial class TanhMlp(int inputs, int hidden, int outputs)
{
    private readonly Linear fc1 = new(inputs, hidden);
    private readonly Linear fc2 = new Linear(hidden, outputs);

    public Linear First => fc1;

    public Linear Second => fc2;

    private Tensor Forward(Tensor x)
    {
        var h = Ops.Tanh(fc1.Call(x));
        return fc2.Call(h);
    }
}

/// <summary>A square layer from this compilation as a child, in a residual connection.</summary>
[Layer]
public partial class ResidualBlock(int width)
{
    private readonly SquareTanh inner = new(width);

    public SquareTanh Inner => inner;

    private Tensor Forward(Tensor x) => x + inner.Call(x);
}

/// <summary>
/// Two levels of children from this compilation, with no declared input: its shapes follow from ResidualBlock's,
/// whose follow from SquareTanh's. A constant construction specialises all three.
/// </summary>
[Layer]
public partial class TwoResidualBlocks(int width)
{
    private readonly ResidualBlock first = new(width);
    private readonly ResidualBlock second = new(width);

    public ResidualBlock First => first;

    public ResidualBlock Second => second;

    private Tensor Forward(Tensor x) => second.Call(first.Call(x));
}

[Layer]
public partial class SquareTanh(int width)
{
    [Parameter] private Tensor weight = Tensor.Randn(width, width);

    private Tensor Forward(Tensor x) => Ops.Tanh(x.MatMul(weight));
}

/// <summary>One child called twice: two calls, each with its own saved workspace.</summary>
[Layer]
public partial class TwiceThrough(int n)
{
    private readonly Linear fc = new(n, n);

    public Linear Inner => fc;

    private Tensor Forward(Tensor x) => fc.Call(Ops.Tanh(fc.Call(x)));
}

/// <summary>A child and a parameter of its own: the child's output scaled per feature.</summary>
[Layer(Input = "[*, n]")]
public partial class ScaledChild(int n)
{
    private readonly Linear fc = new(n, n);
    [Parameter] private Tensor scale = Tensor.Randn(n);

    public Linear Inner => fc;

    private Tensor Forward(Tensor x) => Ops.Tanh(fc.Call(x)) * scale;
}

/// <summary>
/// A child with parameters, then one without: the parameter-free child implements no backward into parameters,
/// and the parent runs its plain backward in that mode. Sealed, so the parent cannot even cast it to one.
/// </summary>
[Layer]
public partial class LinearThenCentered(int inputs, int outputs)
{
    private readonly Linear fc = new(inputs, outputs);
    private readonly SealedCentered centered = new();

    public Linear Inner => fc;

    private Tensor Forward(Tensor x) => centered.Call(fc.Call(x));
}

/// <summary>The chapter's CenteredLayer, sealed: no parameters, no children.</summary>
[Layer]
public sealed partial class SealedCentered
{
    private Tensor Forward(Tensor x) => x - x.Mean();
}
