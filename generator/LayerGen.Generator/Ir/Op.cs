namespace LayerGen.Generator.Ir;

/// <summary>
/// The op set of the IR. Sugar in the source (Mean, Linear-style transposes) lowers to these before
/// differentiation, so each op here has exactly one rule in <c>Autodiff/VjpRules.cs</c>.
/// </summary>
internal enum Op
{
    // Leaves: values that come from outside the kernel.
    Input,

    /// <summary>A loss's target (values, or class indices): read, never differentiated.</summary>
    Target,
    Parameter,
    OutputGrad,
    Constant,

    /// <summary>1 / (element count of <see cref="Node.CountOf"/>), a run-time constant when the count involves rows.</summary>
    InverseCount,

    // Element-wise (fusable into one loop).
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    Relu,
    Tanh,
    Sigmoid,
    Exp,
    Log,

    /// <summary>The error function.</summary>
    Erf,

    /// <summary>
    /// The exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)), torch's default. An op of its own (the tanh form is
    /// lowered to primitives) for torch's gradient Φ(x) + x·φ(x), finite wherever torch's is.
    /// </summary>
    Gelu,

    /// <summary>
    /// Args (g, y): 0 where y ≤ 0, else g — Relu's gradient from its output y, as torch's threshold_backward(g, y, 0):
    /// g passes where y is NaN, and a NaN or infinite g stops where y is 0.
    /// </summary>
    ReluGrad,

    /// <summary>Broadcasts its argument to the node's shape (the adjoint of a reduction).</summary>
    Expand,

    Sqrt,
    Abs,

    /// <summary>-1, 0 or 1 (the derivative of Abs).</summary>
    Sign,

    /// <summary>x to the constant power <see cref="Node.Value"/>.</summary>
    Pow,

    /// <summary>x limited to [<see cref="Node.Value"/>, <see cref="Node.Value2"/>].</summary>
    Clamp,

    /// <summary>1 where <see cref="Node.Value"/> ≤ x ≤ <see cref="Node.Value2"/>, else 0 (the derivative of Clamp).</summary>
    InRange,
    Maximum,
    Minimum,

    // Comparisons: masks of 1 and 0, with no gradient.
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Equal,

    /// <summary>mask != 0 ? a : b.</summary>
    Where,

    /// <summary>Its argument, through which no gradient flows (the max subtracted inside softmax).</summary>
    Detach,

    // Structural.

    /// <summary>op(A) · op(B) of two matrices; the rows dimension may be either matrix dimension.</summary>
    MatMul,

    /// <summary>Sums its argument down to the node's shape, aligned to the trailing dimensions (the adjoint of broadcasting).</summary>
    ReduceSum,

    /// <summary>The same elements seen with another shape (no copy).</summary>
    Reshape,

    /// <summary>
    /// Dropout's mask for the node's shape: 0 with probability <see cref="Node.Value"/>, else 1/(1 − p);
    /// all ones when the layer is in eval mode. Drawn in the forward kernel and saved for backward.
    /// </summary>
    DropoutMask,

    /// <summary>The argument's axes reordered by <see cref="Node.Ints"/> (a copy).</summary>
    Permute,

    /// <summary>Ints = (axis, start, length): a block of the argument along one axis (a copy).</summary>
    Slice,

    /// <summary>Ints = (axis, start): the argument placed in a zero tensor of the node's shape (the adjoint of Slice).</summary>
    SliceGrad,

    /// <summary>Ints = (axis): the arguments joined along an axis.</summary>
    Concat,

    /// <summary>Ints = (axis): the largest (MaxAxis) or smallest (MinAxis) value along an axis, keeping it as size 1.</summary>
    MaxAxis,
    MinAxis,

    /// <summary>Args (x, extreme, g), Ints = (axis): g placed at the first position of each extreme along the axis.</summary>
    ExtremeGrad,

    /// <summary>Σ over summed indices of the product of the arguments, as <see cref="Node.Equation"/> says.</summary>
    Einsum,

    /// <summary>Args (x, indices): x[..., indices[...]] — one element of the last axis per row (cross-entropy's pick).</summary>
    Pick,

    /// <summary>Args (g, indices): g placed at the picked positions of a zero tensor of the node's shape.</summary>
    PickGrad,

    /// <summary>The first n/2 DFT coefficients along the last axis as (re, im): [*, n] → [*, n/2, 2].</summary>
    FftHalf,

    /// <summary>The adjoint of <see cref="FftHalf"/>: [*, n/2, 2] → [*, n].</summary>
    FftHalfAdjoint,

    /// <summary>A child layer's forward (<c>fc1.Call(h)</c>), run through its own span API.</summary>
    ChildCall,

    /// <summary>
    /// A child layer's backward: from (input, output, output gradient) to the input's gradient; it also
    /// accumulates the child's own parameter gradients, so it runs even when the input needs none.
    /// </summary>
    ChildGrad,
}

internal static class OpFacts
{
    public static bool IsElementwise(this Op op) => op is >= Op.Add and <= Op.Detach;

    public static bool IsLeaf(this Op op) => op is Op.Input or Op.Target or Op.Parameter or Op.OutputGrad or Op.Constant or Op.InverseCount;

    /// <summary>Leaves whose value is a single scalar known without reading a buffer.</summary>
    public static bool IsScalarConstant(this Op op) => op is Op.Constant or Op.InverseCount;
}
