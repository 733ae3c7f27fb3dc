namespace LayerGen.Tests.Layers.SeveralInputs;

/// <summary>
/// D2L's AddNorm (11.7): layer normalisation of <c>dropout(y) + x</c>, written with the ops LayerGen has (D2L uses
/// nn.LayerNorm). Both inputs' shapes are declared, one per input.
/// </summary>
[Layer(Input = "[*, normalizedShape]; [*, normalizedShape]")]
public partial class AddNorm(int normalizedShape, float dropout)
{
    [Parameter] Tensor gamma = Tensor.Ones(normalizedShape);
    [Parameter] Tensor beta = Tensor.Zeros(normalizedShape);

    Tensor Forward(Tensor x, Tensor y)
    {
        var sum = Ops.Dropout(y, dropout) + x;
        var mean = sum.Mean(-1, keepDim: true);
        var centered = sum - mean;
        var variance = (centered * centered).Mean(-1, keepDim: true);
        return gamma * centered / Ops.Sqrt(variance + 1e-5f) + beta;
    }
}

/// <summary>D2L's GRU step (10.2) as a cell: x [*, numInputs] and the state h [*, numHiddens] give the new state. Input shapes inferred.</summary>
[Layer]
public partial class GruCell(int numInputs, int numHiddens)
{
    [Parameter] Tensor wXz = Tensor.Randn(numInputs, numHiddens);
    [Parameter] Tensor wHz = Tensor.Randn(numHiddens, numHiddens);
    [Parameter] Tensor bZ = Tensor.Zeros(numHiddens);
    [Parameter] Tensor wXr = Tensor.Randn(numInputs, numHiddens);
    [Parameter] Tensor wHr = Tensor.Randn(numHiddens, numHiddens);
    [Parameter] Tensor bR = Tensor.Zeros(numHiddens);
    [Parameter] Tensor wXh = Tensor.Randn(numInputs, numHiddens);
    [Parameter] Tensor wHh = Tensor.Randn(numHiddens, numHiddens);
    [Parameter] Tensor bH = Tensor.Zeros(numHiddens);

    Tensor Forward(Tensor x, Tensor h)
    {
        var z = Ops.Sigmoid(x.MatMul(wXz) + h.MatMul(wHz) + bZ);
        var r = Ops.Sigmoid(x.MatMul(wXr) + h.MatMul(wHr) + bR);
        var hTilde = Ops.Tanh(x.MatMul(wXh) + (r * h).MatMul(wHh) + bH);
        return z * h + (1 - z) * hTilde;
    }
}

/// <summary>A layer holding a GRU cell (a module of two inputs) beside a one-input child: what walks the tree must reach both.</summary>
[Layer]
public partial class GruHolder(int numInputs, int numHiddens)
{
    private readonly GruCell cell = new(numInputs, numHiddens);
    private readonly Linear head = new(numHiddens, 1);

    Tensor Forward(Tensor h) => head.Call(h);

    public GruCell Cell() => cell;
}

/// <summary>D2L's RNN step (9.5) returning (output, new state): both differentiable.</summary>
[Layer]
public partial class RnnStep(int numInputs, int numHiddens, int numOutputs)
{
    [Parameter] Tensor wXh = Tensor.Randn(numInputs, numHiddens);
    [Parameter] Tensor wHh = Tensor.Randn(numHiddens, numHiddens);
    [Parameter] Tensor bH = Tensor.Zeros(numHiddens);
    [Parameter] Tensor wHq = Tensor.Randn(numHiddens, numOutputs);
    [Parameter] Tensor bQ = Tensor.Zeros(numOutputs);

    (Tensor Output, Tensor State) Forward(Tensor x, Tensor state)
    {
        var h = Ops.Tanh(x.MatMul(wXh) + state.MatMul(wHh) + bH);
        return (h.MatMul(wHq) + bQ, h);
    }
}

/// <summary>A parent calling a child of two inputs (<c>cell.Call(x, h)</c>) and a one-input child on its result.</summary>
[Layer]
public partial class GruWithHead(int numInputs, int numHiddens)
{
    private readonly GruCell cell = new(numInputs, numHiddens);
    private readonly Linear head = new(numHiddens, 2);

    Tensor Forward(Tensor x, Tensor h) => head.Call(cell.Call(x, h));
}

/// <summary>A one-input layer (an ILayer, so a Sequential may hold it) whose forward calls AddNorm(x, ffn(x)), as a transformer block does.</summary>
[Layer]
public partial class FfnBlock(int d)
{
    private readonly AddNorm addNorm = new(d, 0); // no dropout (an integer literal: the non-finite-literal test replaces real ones)
    private readonly Linear ffn = new(d, d);

    Tensor Forward(Tensor x) => addNorm.Call(x, Ops.Tanh(ffn.Call(x)));
}
