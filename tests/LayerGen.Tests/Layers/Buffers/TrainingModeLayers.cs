using LayerGen;

namespace LayerGen.Tests.Layers.Buffers;

// Layers whose forward branches on the layer's train/eval mode (issue 16): both paths generated, Train()/Eval() picks.

/// <summary>Another computation in each mode: an if/else on <c>Training</c> reassigning a local, and a <c>?:</c> on it.</summary>
[Layer]
public partial class ModeDependent(int n)
{
    [Parameter] Tensor weight = Tensor.Randn(n);

    Tensor Forward(Tensor x)
    {
        var h = x * weight;
        if (Training)
        {
            h = Ops.Tanh(h) * 2f;
        }
        else
        {
            h = h * 0.5f;
        }

        return h + (Training ? x : x * 3f);
    }
}

/// <summary><c>if (!Training)</c> with no else: eval mode adds a term, training mode leaves the value as it is.</summary>
[Layer]
public partial class EvalOnlyShift(int n)
{
    [Parameter] Tensor shift = Tensor.Randn(n);

    Tensor Forward(Tensor x)
    {
        var y = Ops.Sigmoid(x);
        if (!Training)
        {
            y = y + shift;
        }

        return y;
    }
}
