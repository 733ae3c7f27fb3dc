using LayerGen;

namespace LayerGen.Tests.Layers;

// One [Layer] per rule of the generator's VJP table (generator/LayerGen.Generator/Autodiff/VjpRules.cs),
// each with parameters so that both the input's and the parameters' gradients are exercised, plus the
// composite layers the property tests use. Every layer takes its sizes through its primary constructor:
// the tests construct each one with constants (a specialised kernel) and with sizes from a variable
// (the run-time-bounded kernel). Comments name the rule(s) under test.

/// <summary>Add, broadcasting a [n] parameter over the rows (SumTo over the batch for the bias).</summary>
[Layer]
public partial class VjpAdd(int n)
{
    [Parameter] private Tensor bias = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => x + bias;
}

/// <summary>Sub with the input on either side and a [n] parameter on either side.</summary>
[Layer]
public partial class VjpSub(int n)
{
    [Parameter] private Tensor a = Tensor.Randn(n);
    [Parameter] private Tensor b = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => (x - a) - (b - x);
}

/// <summary>Mul against a broadcast [n] parameter, then of two row-carrying operands (x·w)·x.</summary>
[Layer]
public partial class VjpMul(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => x * w * x;
}

/// <summary>Div with the input as numerator and as denominator, and [n] parameters in both roles.</summary>
[Layer]
public partial class VjpDiv(int n)
{
    [Parameter] private Tensor d = Tensor.Rand(n);
    [Parameter] private Tensor e = Tensor.Rand(n);

    private Tensor Forward(Tensor x) => x / d + e / x;
}

/// <summary>Unary minus of a computed value.</summary>
[Layer]
public partial class VjpNeg(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => -(x * w);
}

/// <summary>Relu of an affine element-wise map.</summary>
[Layer]
public partial class VjpRelu(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);
    [Parameter] private Tensor b = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => Ops.Relu(x * w + b);
}

/// <summary>Tanh of an affine element-wise map.</summary>
[Layer]
public partial class VjpTanh(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);
    [Parameter] private Tensor b = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => Ops.Tanh(x * w + b);
}

/// <summary>Sigmoid of an affine element-wise map.</summary>
[Layer]
public partial class VjpSigmoid(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);
    [Parameter] private Tensor b = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => Ops.Sigmoid(x * w + b);
}

/// <summary>Exp of a scaled input.</summary>
[Layer]
public partial class VjpExp(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => Ops.Exp(x * w);
}

/// <summary>Log of an affine element-wise map (kept positive by the test's data).</summary>
[Layer]
public partial class VjpLog(int n)
{
    [Parameter] private Tensor w = Tensor.Rand(n);
    [Parameter] private Tensor b = Tensor.Rand(n);

    private Tensor Forward(Tensor x) => Ops.Log(x * w + b);
}

/// <summary>Sum of every element (a scalar), broadcast back over [rows, n].</summary>
[Layer]
public partial class VjpSumAll(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => x * (x * w).Sum();
}

/// <summary>Mean of every element (sum × 1/count).</summary>
[Layer]
public partial class VjpMeanAll(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => x * (x * w).Mean();
}

/// <summary>Sum along the feature axis with keepDim: [rows, 1] broadcast against [rows, n].</summary>
[Layer]
public partial class VjpSumAxisKeep(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => x * (x * w).Sum(1, true);
}

/// <summary>Sum along the feature axis without keepDim: one value per row.</summary>
[Layer]
public partial class VjpSumAxis(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => (x * x * w).Sum(1);
}

/// <summary>Mean along the last axis (-1) with keepDim.</summary>
[Layer]
public partial class VjpMeanAxisKeep(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => x * (x * w).Mean(-1, keepDim: true);
}

/// <summary>Mean along the feature axis without keepDim.</summary>
[Layer]
public partial class VjpMeanAxis(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => (x * x * w).Mean(1);
}

/// <summary>Sum along a middle axis of a [rows, m, n] input (features pinned by a [m, n] parameter).</summary>
[Layer]
public partial class VjpSumMiddleAxis(int m, int n)
{
    [Parameter] private Tensor w = Tensor.Randn(m, n);

    private Tensor Forward(Tensor x) => (x * w).Sum(1, true) * x;
}

/// <summary>MatMul with a [inUnits, units] parameter.</summary>
[Layer]
public partial class VjpMatMul(int inUnits, int units)
{
    [Parameter] private Tensor w = Tensor.Randn(inUnits, units);

    private Tensor Forward(Tensor x) => x.MatMul(w);
}

/// <summary>MatMul with the transpose of a [units, inUnits] parameter (PyTorch's Linear layout).</summary>
[Layer]
public partial class VjpMatMulT(int inUnits, int units)
{
    [Parameter] private Tensor w = Tensor.Randn(units, inUnits);

    private Tensor Forward(Tensor x) => x.MatMul(w.T);
}

/// <summary>MatMul of the batch with a [inUnits] vector: one value per row.</summary>
[Layer]
public partial class VjpMatVec(int inUnits)
{
    [Parameter] private Tensor v = Tensor.Randn(inUnits);

    private Tensor Forward(Tensor x) => x.MatMul(v);
}

/// <summary>
/// Broadcasting against [1] parameters and scalar constants on either side of every operator.
/// The [n] parameter <c>w</c> comes first, so it pins the input's features (a [1] parameter would pin them to [1]).
/// </summary>
[Layer]
public partial class VjpScalarBroadcast(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);
    [Parameter] private Tensor g = Tensor.Randn(1);
    [Parameter] private Tensor c = Tensor.Randn(1);

    private Tensor Forward(Tensor x)
    {
        var h = x * w;
        return (0.5f + 2f * h) * g - h / 4f + 1f / (h * h + 1f) - (1f - h) * c + 3f;
    }
}

/// <summary>Mean over the batch axis (axis 0) with keepDim: [1, n] broadcast back over the rows (a batch-norm-like centring).</summary>
[Layer]
public partial class VjpBatchMean(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => x - (x * w).Mean(0, true);
}

/// <summary>Sum over the batch axis without keepDim: an [n] result broadcast back over the rows.</summary>
[Layer]
public partial class VjpBatchSum(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => x * (x * w).Sum(0);
}

/// <summary>Broadcasting against a scalar (shape []) parameter.</summary>
[Layer]
public partial class VjpScalarParam(int n)
{
    [Parameter] private Tensor w = Tensor.Randn(n);
    [Parameter] private Tensor s = Tensor.Randn();

    private Tensor Forward(Tensor x) => x * w * s;
}
