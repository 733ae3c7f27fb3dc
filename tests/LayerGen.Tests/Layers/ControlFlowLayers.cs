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
