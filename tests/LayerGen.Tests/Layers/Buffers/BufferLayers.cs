using System;
using LayerGen;

namespace LayerGen.Tests.Layers.Buffers;

// Layers holding non-trainable tensors (issue 16): a plain Tensor field computed in the constructor (PyTorch's plain
// attribute) and [Buffer]s (PyTorch's register_buffer), read in the forward, never trained.

/// <summary>
/// D2L's PositionalEncoding (section 11.6.3) without its dropout: the sin/cos table is a plain field computed by a
/// static method when the layer is constructed, and the forward adds its first <c>numSteps</c> positions to the input.
/// </summary>
[Layer(Input = "[*, numSteps, numHiddens]")]
public partial class PositionalEncoding(int numSteps, int numHiddens, int maxLen)
{
    readonly Tensor P = MakeTable(maxLen, numHiddens);

    Tensor Forward(Tensor x) => x + P.Narrow(1, 0, numSteps);

    private static Tensor MakeTable(int maxLen, int numHiddens)
    {
        var p = Tensor.Zeros(1, maxLen, numHiddens);
        for (int position = 0; position < maxLen; position++)
        {
            for (int i = 0; i < numHiddens; i += 2)
            {
                double angle = position / Math.Pow(10000, (double)i / numHiddens);
                p[0, position, i] = (float)Math.Sin(angle);
                if (i + 1 < numHiddens)
                {
                    p[0, position, i + 1] = (float)Math.Cos(angle);
                }
            }
        }

        return p;
    }
}

/// <summary>A parameter and two persistent buffers, one named in camelCase (its state-dict name is <c>feature_scale</c>).</summary>
[Layer]
public partial class ScaledShift(int n)
{
    [Parameter] Tensor bias = Tensor.Randn(n);
    [Buffer] Tensor featureScale = Tensor.Full(2f, n);
    [Buffer] Tensor offset = Tensor.Zeros(n);

    Tensor Forward(Tensor x) => x * featureScale + bias + offset;

    /// <summary>Replaces a buffer (for the test of a wrong-shaped one).</summary>
    public void ReplaceScale(Tensor scale) => featureScale = scale;
}
