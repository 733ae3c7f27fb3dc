namespace LayerGen.Tests.Layers.SeveralInputs;

/// <summary>
/// An RNN model whose child returns a tuple (D2L's RNN step: output, new state), taken apart in the forward with a
/// deconstruction; its linear head reads both results, so the gradient flows into the child from both.
/// </summary>
[Layer]
public partial class RnnWithHead(int numInputs, int numHiddens, int numOutputs, int classes)
{
    private readonly RnnStep rnn = new(numInputs, numHiddens, numOutputs);
    private readonly Linear head = new(numOutputs + numHiddens, classes);

    Tensor Forward(Tensor x, Tensor h)
    {
        var (outputs, state) = rnn.Call(x, h);
        return head.Call(Ops.Concat(-1, outputs, state));
    }
}

/// <summary>The same child read through one local (<c>result.Item2</c>): only the state is used, so the output's gradient is zero.</summary>
[Layer]
public partial class RnnStateHead(int numInputs, int numHiddens)
{
    private readonly RnnStep rnn = new(numInputs, numHiddens, 3);
    private readonly Linear head = new(numHiddens, 2);

    Tensor Forward(Tensor x, Tensor h)
    {
        var result = rnn.Call(x, h);
        return Ops.Tanh(head.Call(result.Item2));
    }
}

/// <summary>D2L's RNN over time steps (9.5): the child's tuple taken apart in a loop, the state carried to the next step, every output summed.</summary>
[Layer(Input = "[*, numSteps, numInputs]; [*, numHiddens]")]
public partial class RnnOverSteps(int numSteps, int numInputs, int numHiddens)
{
    private readonly RnnStep rnn = new(numInputs, numHiddens, 2);

    Tensor Forward(Tensor xs, Tensor h0)
    {
        var h = h0;
        var total = Tensor.Zeros(xs.Size(0), 2);
        for (int t = 0; t < numSteps; t++)
        {
            var x = xs.Narrow(1, t, 1).Reshape(-1, numInputs);
            (Tensor y, Tensor next) = rnn.Call(x, h);
            total = total + y;
            h = next;
        }

        return total + h.Sum(-1, keepDim: true);
    }
}
