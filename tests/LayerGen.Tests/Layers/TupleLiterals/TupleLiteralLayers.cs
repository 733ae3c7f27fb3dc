using LayerGen;

namespace LayerGen.Tests.Layers.TupleLiterals;

/// <summary>
/// MyLinear (relu(x W + b)) written through tuples: a swap, whose right side is read before either local is written, then a
/// declaration taking a tuple written out apart. Wrong order of reading and writing would return relu(2 b) or relu(2 x W).
/// </summary>
[Layer]
public partial class SwappedLinear(int inUnits, int units)
{
    [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
    [Parameter] Tensor bias = Tensor.Randn(units);

    Tensor Forward(Tensor x)
    {
        var a = x.MatMul(weight);
        var b = bias;
        (a, b) = (b, a);
        var (_, activated) = (a + b, Ops.Relu(b + a));
        return activated;
    }
}

/// <summary>
/// An LSTM-like recurrence over the steps of a sequence, carrying its state with <c>(h, c) = (newH, newC);</c>, and a helper
/// returning a tuple taken apart where it is called.
/// </summary>
[Layer(Input = "[*, steps, n]")]
public partial class TupleRecurrence(int steps, int n)
{
    [Parameter] Tensor wX = Tensor.Randn(n, n) * 0.4f;
    [Parameter] Tensor wH = Tensor.Randn(n, n) * 0.4f;

    Tensor Forward(Tensor x)
    {
        var h = x.Narrow(1, 0, 1).Sum(1);
        var c = Ops.Tanh(h);
        for (int t = 1; t < steps; t++)
        {
            var (gate, candidate) = Gates(x.Narrow(1, t, 1).Sum(1), h);
            (h, c) = (Ops.Tanh(c) * gate, c * gate + candidate);
        }

        return h + c;
    }

    (Tensor Gate, Tensor Candidate) Gates(Tensor input, Tensor state)
    {
        var z = input.MatMul(wX) + state.MatMul(wH);
        return (Ops.Sigmoid(z), Ops.Tanh(z));
    }
}

/// <summary>A forward of two outputs returning a helper's tuple as it is, and a swap of its inputs.</summary>
[Layer(Input = "[*, n]; [*, n]")]
public partial class SwappedPair(int n)
{
    [Parameter] Tensor w = Tensor.Randn(n);

    (Tensor First, Tensor Second) Forward(Tensor x, Tensor y)
    {
        (x, y) = (y, x * w);
        return Both(x, y);
    }

    private static (Tensor, Tensor) Both(Tensor a, Tensor b) => (a * b, a - b);
}

/// <summary>A tuple held by a local and reassigned in a branch on a bool hyperparameter: each element selected when the kernels run.</summary>
[Layer(Input = "[*, n]; [*, n]")]
public partial class BranchSwap(int n, bool swap)
{
    [Parameter] Tensor w = Tensor.Randn(n);

    (Tensor First, Tensor Second) Forward(Tensor x, Tensor y)
    {
        var pair = (x * w, Ops.Tanh(y));
        if (swap)
        {
            pair = (pair.Item2, pair.Item1 * 2f);
        }

        return pair;
    }
}

/// <summary>A forward of two outputs returning a tuple inside a branch on a bool hyperparameter: each output selected.</summary>
[Layer(Input = "[*, n]; [*, n]")]
public partial class EarlyTupleReturn(int n, bool swap)
{
    [Parameter] Tensor w = Tensor.Randn(n);

    (Tensor First, Tensor Second) Forward(Tensor x, Tensor y)
    {
        var h = x * w;
        if (swap)
        {
            return (Ops.Tanh(y), h);
        }

        return (h, Ops.Sigmoid(y) * 2f);
    }
}
