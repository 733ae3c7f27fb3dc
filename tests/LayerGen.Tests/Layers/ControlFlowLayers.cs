using LayerGen;

namespace LayerGen.Tests.Layers.ControlFlow;

// Layers whose forward uses control flow that LayerGen resolves at compile time (issue 16): loops unrolled, locals
// reassigned, arrays of tensors. Each is checked against PyTorch fixtures (rnn_*.json, tools/fixtures/
// control_flow_fixtures.py), finite differences and the eager path.

/// <summary>
/// D2L's RNN (section 9.5) over <c>numSteps</c> time steps, batch-first: <c>x</c> is <c>[*, numSteps, numInputs]</c>,
/// the result every step's hidden state, <c>[*, numSteps, numHiddens]</c>. The initial state is zero, so the first
/// step has no <c>h · wHh</c> term. <c>x.Narrow(1, t, 1).Sum(1)</c> is PyTorch's <c>x[:, t]</c> (LayerGen has no
/// <c>Select</c> yet; summing the axis of length 1 drops it).
/// </summary>
[Layer(Input = "[*, numSteps, numInputs]")]
public partial class UnrolledRnn(int numSteps, int numInputs, int numHiddens)
{
    [Parameter] Tensor wXh = Tensor.Randn(numInputs, numHiddens) * 0.5f;
    [Parameter] Tensor wHh = Tensor.Randn(numHiddens, numHiddens) * 0.5f;
    [Parameter] Tensor bH = Tensor.Randn(numHiddens) * 0.5f;

    Tensor Forward(Tensor x)
    {
        var outputs = new Tensor[numSteps];
        var state = Ops.Tanh(x.Narrow(1, 0, 1).Sum(1).MatMul(wXh) + bH);
        outputs[0] = state;
        for (int t = 1; t < numSteps; t++)
        {
            state = Ops.Tanh(x.Narrow(1, t, 1).Sum(1).MatMul(wXh) + state.MatMul(wHh) + bH);
            outputs[t] = state;
        }

        return Ops.Stack(1, outputs);
    }
}

/// <summary>
/// The same RNN written with a helper method (the cell), a static helper (<c>x[:, t]</c>) and a conditional on the
/// loop variable (the first step has no previous state): inlined and folded at compile time.
/// </summary>
[Layer(Input = "[*, numSteps, numInputs]")]
public partial class HelperRnn(int numSteps, int numInputs, int numHiddens)
{
    [Parameter] Tensor wXh = Tensor.Randn(numInputs, numHiddens) * 0.5f;
    [Parameter] Tensor wHh = Tensor.Randn(numHiddens, numHiddens) * 0.5f;
    [Parameter] Tensor bH = Tensor.Randn(numHiddens) * 0.5f;

    Tensor Forward(Tensor x)
    {
        var outputs = new Tensor[numSteps];
        for (int t = 0; t < numSteps; t++)
        {
            outputs[t] = t == 0 ? Ops.Tanh(At(x, 0).MatMul(wXh) + bH) : Cell(At(x, t), outputs[t - 1]);
        }

        return Ops.Stack(1, outputs);
    }

    private Tensor Cell(Tensor input, Tensor state) => Ops.Tanh(input.MatMul(wXh) + state.MatMul(wHh) + bH);

    private static Tensor At(Tensor x, int t) => x.Narrow(1, t, 1).Sum(1);
}

/// <summary>
/// A bias switched on by a bool constructor parameter, as PyTorch's <c>nn.Linear(bias=...)</c> is written by hand:
/// a branch on a value known only when the layer is constructed, so both are built and the kernels select.
/// </summary>
[Layer]
public partial class OptionalBias(int numInputs, int numOutputs, bool useBias)
{
    [Parameter] Tensor weight = Tensor.Randn(numInputs, numOutputs) * 0.5f;
    [Parameter] Tensor bias = Tensor.Randn(numOutputs);

    Tensor Forward(Tensor x)
    {
        var y = x.MatMul(weight);
        if (useBias)
        {
            y += bias;
        }

        return Ops.Tanh(y);
    }
}
