using LayerGen;

namespace LayerGen.Tests.Layers.LongLoops;

// Loops over many time steps (issue 16): a for loop over numSteps is unrolled, and constructed here with 100 steps its
// kernels are too long for one method the JIT optimises, so the generator splits each into parts (KernelParts).
// Written as D2L writes them, from a zero state; checked against finite differences and the eager path.

/// <summary>D2L's RNN (9.5), batch-first, over <c>numSteps</c> steps from a zero state: every step's state stacked.</summary>
[Layer(Input = "[*, numSteps, numInputs]")]
public partial class LongRnn(int numSteps, int numInputs, int numHiddens)
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

/// <summary>D2L's GRU (10.2) over <c>numSteps</c> steps from a zero state, batch-first: every step's state stacked.</summary>
[Layer(Input = "[*, numSteps, numInputs]")]
public partial class LongGru(int numSteps, int numInputs, int numHiddens)
{
    [Parameter] Tensor wXz = Tensor.Randn(numInputs, numHiddens) * 0.5f;
    [Parameter] Tensor wHz = Tensor.Randn(numHiddens, numHiddens) * 0.5f;
    [Parameter] Tensor bZ = Tensor.Randn(numHiddens) * 0.5f;
    [Parameter] Tensor wXr = Tensor.Randn(numInputs, numHiddens) * 0.5f;
    [Parameter] Tensor wHr = Tensor.Randn(numHiddens, numHiddens) * 0.5f;
    [Parameter] Tensor bR = Tensor.Randn(numHiddens) * 0.5f;
    [Parameter] Tensor wXh = Tensor.Randn(numInputs, numHiddens) * 0.5f;
    [Parameter] Tensor wHh = Tensor.Randn(numHiddens, numHiddens) * 0.5f;
    [Parameter] Tensor bH = Tensor.Randn(numHiddens) * 0.5f;

    Tensor Forward(Tensor x)
    {
        var outputs = new Tensor[numSteps];
        var h = Tensor.Zeros(x.Size(0), numHiddens);
        for (int t = 0; t < numSteps; t++)
        {
            var xt = x.Narrow(1, t, 1).Sum(1);
            var z = Ops.Sigmoid(xt.MatMul(wXz) + h.MatMul(wHz) + bZ);
            var r = Ops.Sigmoid(xt.MatMul(wXr) + h.MatMul(wHr) + bR);
            var candidate = Ops.Tanh(xt.MatMul(wXh) + (r * h).MatMul(wHh) + bH);
            h = z * h + (1f - z) * candidate;
            outputs[t] = h;
        }

        return Ops.Stack(1, outputs);
    }
}
