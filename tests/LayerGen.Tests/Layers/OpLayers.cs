using LayerGen;

namespace LayerGen.Tests.Layers.OpLayers;

// One small [Layer] per op or op family (softmax, GELU and erf, roots and powers, clamps, comparisons,
// max/min, rearrangements, dropout), each with a parameter where that makes the
// parameter's gradient part of the check. Sizes come from the constructor so the same layer runs
// with constant (specialised) and run-time bounds.

[Layer(Input = "[*, n]")]
public partial class SoftmaxLast(int n)
{
    private Tensor Forward(Tensor x) => x.Softmax(-1);
}

[Layer(Input = "[*, n]")]
public partial class LogSoftmaxLast(int n)
{
    private Tensor Forward(Tensor x) => Ops.LogSoftmax(x, -1);
}

/// <summary>Softmax over the middle axis of [*, m, n], weighted so every output matters differently.</summary>
[Layer(Input = "[*, m, n]")]
public partial class SoftmaxMiddle(int m, int n)
{
    [Parameter] private Tensor scale = Tensor.Randn(m, n);

    private Tensor Forward(Tensor x) => x.Softmax(1) * scale;
}

/// <summary>The exact GELU, torch's default.</summary>
[Layer(Input = "[*, n]")]
public partial class GeluOp(int n)
{
    private Tensor Forward(Tensor x) => Ops.Gelu(x);
}

[Layer(Input = "[*, n]")]
public partial class GeluTanhOp(int n)
{
    private Tensor Forward(Tensor x) => Ops.Gelu(x, approximate: "tanh");
}

[Layer(Input = "[*, n]")]
public partial class ErfOp(int n)
{
    private Tensor Forward(Tensor x) => Ops.Erf(x);
}

[Layer(Input = "[*, n]")]
public partial class SqrtAbsPlusOne(int n)
{
    private Tensor Forward(Tensor x) => Ops.Sqrt(Ops.Abs(x) + 1f);
}

[Layer]
public partial class PowClampSquare(int n)
{
    [Parameter] private Tensor shift = Tensor.Randn(n);

    private Tensor Forward(Tensor x)
    {
        var h = x + shift;
        return h.Pow(3f) * 0.1f + Ops.Clamp(h, -0.5f, 0.5f) + h.Square();
    }
}

[Layer(Input = "[*, n]")]
public partial class MaxMinLast(int n)
{
    private Tensor Forward(Tensor x) => x.Max(-1, true) * 2f + x.Min(-1, true) + x;
}

[Layer]
public partial class MaximumMinimum(int n)
{
    [Parameter] private Tensor floor = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => Ops.Maximum(x, floor) + Ops.Minimum(x * 0.5f, floor);
}

/// <summary>Leaky ReLU written with a comparison mask and Where.</summary>
[Layer]
public partial class LeakyWhere(int n)
{
    [Parameter] private Tensor bias = Tensor.Randn(n);

    private Tensor Forward(Tensor x)
    {
        var h = x + bias;
        return Ops.Where(h > 0f, h, h * 0.1f) + (h < 0f) * 0f;
    }
}

[Layer(Input = "[*, m, n]")]
public partial class TransposePermute(int m, int n)
{
    [Parameter] private Tensor weight = Tensor.Randn(m, n);

    private Tensor Forward(Tensor x) => x.Transpose(1, 2).Permute(0, 2, 1) * weight + x.Permute(0, 2, 1).Transpose(-1, -2);
}

[Layer(Input = "[*, 4, 3]")]
public partial class ReshapeView
{
    [Parameter] private Tensor weight = Tensor.Randn(12);

    private Tensor Forward(Tensor x) => x.Reshape(-1, 12) * weight + x.View(-1, 6, 2).Reshape(-1, 12);
}

[Layer(Input = "[*, 5]")]
public partial class NarrowSliceConcatStack
{
    [Parameter] private Tensor weight = Tensor.Randn(2, 7);

    private Tensor Forward(Tensor x)
    {
        var joined = Ops.Concat(-1, x.Narrow(-1, 1, 2), x.Slice(1, 0, 5) * x);
        return Ops.Stack(1, joined, Ops.Tanh(joined)) * weight;
    }
}

[Layer(Input = "[*, n]")]
public partial class DropoutOp(int n)
{
    private Tensor Forward(Tensor x) => Ops.Dropout(x, 0.5f);
}

/// <summary>ReLU with its input declared [*, n], so it has a specialised kernel and a run-time one.</summary>
[Layer(Input = "[*, n]")]
public partial class ReluSized(int n)
{
    private Tensor Forward(Tensor x) => Ops.Relu(x);
}

[Layer(Input = "[*, n]")]
public partial class ClampOp(int n)
{
    private Tensor Forward(Tensor x) => x.Clamp(-0.5f, 0.5f);
}

/// <summary>min above max: torch.clamp gives max everywhere.</summary>
[Layer(Input = "[*, n]")]
public partial class ClampMinAboveMax(int n)
{
    private Tensor Forward(Tensor x) => Ops.Clamp(x, 0.5f, -0.5f);
}

/// <summary>A product with ReLU fused into its epilogue: inline loops below 512 multiply-adds, the GEMM and one pass above.</summary>
[Layer]
public partial class ReluLinear(int k, int n)
{
    [Parameter] private Tensor weight = Tensor.Randn(k, n);
    [Parameter] private Tensor bias = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => Ops.Relu(x.MatMul(weight) + bias);
}

// Twins of MaximumMinimum, MaxMinLast and ReluLinear, constructed only with a literal n = 37 (the PyTorch fixtures'
// width): their specialised kernels run the fixtures, while the originals, never built with 37 from a literal,
// run them through the run-time kernel (a construction whose sizes match a specialised one gets that kernel).

[Layer]
public partial class MaximumMinimum37(int n)
{
    [Parameter] private Tensor floor = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => Ops.Maximum(x, floor) + Ops.Minimum(x * 0.5f, floor);
}

[Layer(Input = "[*, n]")]
public partial class MaxMinLast37(int n)
{
    private Tensor Forward(Tensor x) => x.Max(-1, true) * 2f + x.Min(-1, true) + x;
}

[Layer]
public partial class ReluLinear37(int k, int n)
{
    [Parameter] private Tensor weight = Tensor.Randn(k, n);
    [Parameter] private Tensor bias = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => Ops.Relu(x.MatMul(weight) + bias);
}
