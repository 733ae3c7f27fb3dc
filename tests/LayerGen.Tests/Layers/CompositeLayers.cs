using LayerGen;

namespace LayerGen.Tests.Layers;

// Composite layers for the property, accumulation and allocation tests: several ops and locals in one
// forward definition, so the generator's fusion and local handling are exercised together.

/// <summary>A square layer (n → n) with smooth activation, for using one layer twice in a graph.</summary>
[Layer]
public partial class CompSquareTanh(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n, n);
    [Parameter] private Tensor b = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => Ops.Tanh(x.MatMul(w) + b);
}

/// <summary>A two-layer perceptron with tanh, written as one layer with a local.</summary>
[Layer]
public partial class CompTanhMlp(int inUnits, int hidden, int outUnits)
{
    [Parameter] private Tensor w1 = Tensor.Randn(inUnits, hidden);
    [Parameter] private Tensor b1 = Tensor.Randn(hidden);
    [Parameter] private Tensor w2 = Tensor.Randn(hidden, outUnits);
    [Parameter] private Tensor b2 = Tensor.Randn(outUnits);

    private Tensor Forward(Tensor x)
    {
        var h = Ops.Tanh(x.MatMul(w1) + b1);
        return h.MatMul(w2) + b2;
    }
}

/// <summary>Broadcasting, division, exp and a mean along the feature axis: a scaled, shifted softmax-like map.</summary>
[Layer]
public partial class CompExpNormalize(int n)
{
    [Parameter] private Tensor scale = Tensor.Randn(n);
    [Parameter] private Tensor shift = Tensor.Randn(n);
    [Parameter] private Tensor gain = Tensor.Randn(1);

    private Tensor Forward(Tensor x)
    {
        var e = Ops.Exp(x * scale);
        var m = e.Mean(1, keepDim: true);
        return e / m * gain - shift;
    }
}

/// <summary>A gated unit: sigmoid gate (MatMul with a transpose) times a log-squashed linear branch, minus the row mean.</summary>
[Layer]
public partial class CompGatedLog(int inUnits, int units)
{
    [Parameter] private Tensor gate = Tensor.Randn(units, inUnits);
    [Parameter] private Tensor value = Tensor.Randn(inUnits, units);

    private Tensor Forward(Tensor x)
    {
        var v = x.MatMul(value);
        var y = Ops.Sigmoid(x.MatMul(gate.T)) * Ops.Log(v * v + 1f);
        return y - y.Mean(-1, true);
    }
}
