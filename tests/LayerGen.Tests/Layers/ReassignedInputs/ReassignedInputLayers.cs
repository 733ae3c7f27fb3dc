namespace LayerGen.Tests.Layers.ReassignedInputs;

// Forwards that reassign their own parameter (issue 16), each beside the same layer written with fresh locals.

/// <summary><c>x = Ops.Relu(x); x = x + bias; return x;</c></summary>
[Layer]
public partial class ReluThenBias(int n)
{
    [Parameter] Tensor bias = Tensor.Randn(n);

    public Tensor Forward(Tensor x)
    {
        x = Ops.Relu(x);
        x = x + bias;
        return x;
    }
}

/// <summary><see cref="ReluThenBias"/> with fresh locals.</summary>
[Layer]
public partial class ReluThenBiasLocals(int n)
{
    [Parameter] Tensor bias = Tensor.Randn(n);

    public Tensor Forward(Tensor x)
    {
        var h = Ops.Relu(x);
        var y = h + bias;
        return y;
    }
}

/// <summary>A state carried through a loop in the parameter itself: <c>h = Ops.Tanh(h.MatMul(w))</c>, then <c>h += x0</c>
/// with the input read before the loop.</summary>
[Layer]
public partial class TanhSteps(int n, int steps)
{
    [Parameter] Tensor w = Tensor.Randn(n, n) * 0.5f;

    public Tensor Forward(Tensor h)
    {
        var start = h * 0.5f;
        for (int t = 0; t < steps; t++)
        {
            h = Ops.Tanh(h.MatMul(w));
        }

        h += start;
        return h;
    }
}

/// <summary><see cref="TanhSteps"/> with fresh locals.</summary>
[Layer]
public partial class TanhStepsLocals(int n, int steps)
{
    [Parameter] Tensor w = Tensor.Randn(n, n) * 0.5f;

    public Tensor Forward(Tensor x)
    {
        var start = x * 0.5f;
        var h = x;
        for (int t = 0; t < steps; t++)
        {
            h = Ops.Tanh(h.MatMul(w));
        }

        var y = h + start;
        return y;
    }
}

/// <summary>A GRU-like cell of two inputs whose second input, the state, is reassigned.</summary>
[Layer]
public partial class StateCell(int inputs, int hiddens)
{
    [Parameter] Tensor wX = Tensor.Randn(inputs, hiddens) * 0.5f;
    [Parameter] Tensor wH = Tensor.Randn(hiddens, hiddens) * 0.5f;

    public Tensor Forward(Tensor x, Tensor h)
    {
        h = Ops.Tanh(x.MatMul(wX) + h.MatMul(wH));
        h = h * Ops.Sigmoid(h);
        return h;
    }
}

/// <summary><see cref="StateCell"/> with fresh locals.</summary>
[Layer]
public partial class StateCellLocals(int inputs, int hiddens)
{
    [Parameter] Tensor wX = Tensor.Randn(inputs, hiddens) * 0.5f;
    [Parameter] Tensor wH = Tensor.Randn(hiddens, hiddens) * 0.5f;

    public Tensor Forward(Tensor x, Tensor h)
    {
        var s = Ops.Tanh(x.MatMul(wX) + h.MatMul(wH));
        var y = s * Ops.Sigmoid(s);
        return y;
    }
}
