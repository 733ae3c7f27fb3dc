namespace LayerGen.Tests.Layers.FreshTensors;

// Fresh tensors sized by the batch inside a forward (issue 16): Tensor.Zeros(x.Size(0), numHiddens) as D2L writes an
// RNN's initial state, and Tensor.Ones(...). The kernels fill a workspace buffer; nothing is allocated per call.

/// <summary>
/// D2L's RNN (9.5) as D2L writes it, from a zero state <c>torch.zeros(batch, num_hiddens)</c>: checked against the same
/// PyTorch fixture as the hand-unrolled <c>UnrolledRnn</c> (Fixtures/rnn_unrolled*.json), which starts from zeros too.
/// </summary>
[Layer(Input = "[*, numSteps, numInputs]")]
public partial class ZeroStateRnn(int numSteps, int numInputs, int numHiddens)
{
    [Parameter] Tensor wXh = Tensor.Randn(numInputs, numHiddens) * 0.5f;
    [Parameter] Tensor wHh = Tensor.Randn(numHiddens, numHiddens) * 0.5f;
    [Parameter] Tensor bH = Tensor.Randn(numHiddens) * 0.5f;

    Tensor Forward(Tensor x)
    {
        var outputs = new Tensor[numSteps];
        var state = Tensor.Zeros(x.Size(0), numHiddens);
        for (int t = 0; t < numSteps; t++)
        {
            state = Ops.Tanh(x.Narrow(1, t, 1).Sum(1).MatMul(wXh) + state.MatMul(wHh) + bH);
            outputs[t] = state;
        }

        return Ops.Stack(1, outputs);
    }
}

/// <summary>A fresh tensor of ones joined to the input (<c>[x, 1]</c>, a bias column), with a constant and a size.</summary>
[Layer(Input = "[*, n]")]
public partial class OnesColumn(int n, int units)
{
    [Parameter] Tensor weight = Tensor.Randn(n + 1, units);

    Tensor Forward(Tensor x) => Ops.Tanh(Ops.Concat(-1, x, Tensor.Ones(x.Size(0), 1)).MatMul(weight)) + Tensor.Zeros(x.Size(0), units);
}
