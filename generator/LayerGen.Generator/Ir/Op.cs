namespace LayerGen.Generator.Ir;

/// <summary>
/// The kinds of node in the IR. Every element-wise function is one kind, <see cref="Elementwise"/>, whose row of the
/// op table (<see cref="Node.Function"/>, <see cref="ElementwiseRows"/>) says which function; the other kinds are
/// leaves and the structural ops, each with its own shape rule, vector-Jacobian product
/// (<c>Autodiff/VjpRules.cs</c>) and loop nest. Sugar in the source (Mean, Softmax, Square) lowers to these before
/// differentiation, so each kind here has exactly one rule.
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

    /// <summary>An element-wise function of its arguments, broadcast together: <see cref="Node.Function"/> says which. Fusable into one loop.</summary>
    Elementwise,

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

    /// <summary>Ints = (axis): the block of the argument along one axis from <see cref="Node.Start"/>, as long as the node's size there (a copy).</summary>
    Slice,

    /// <summary>Ints = (axis), <see cref="Node.Start"/>: the argument placed in a zero tensor of the node's shape (the adjoint of Slice).</summary>
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

    /// <summary>
    /// Args (source, ids): rows of a tensor without the batch (a parameter) picked by an int64 ids input —
    /// <c>weight[ids]</c>, <c>Ops.Embedding</c>, <c>IndexSelect(0, ids)</c> — shape ids ++ source[1..]. <see cref="Node.Name"/>
    /// names the op for error messages; Ints = (1) when -1 means the last row (indexing), (0) when negatives are refused.
    /// </summary>
    GatherRows,

    /// <summary>Args (g, ids): the adjoint of <see cref="GatherRows"/>, g's rows scatter-added into a zero tensor of the source's shape.</summary>
    ScatterAddRows,

    /// <summary>
    /// Args (x, index), Ints = (axis): <c>torch.gather</c> along an axis (<c>x.Gather(-1, index)</c>) by an input of int64
    /// indices of x's shape except along the axis, which is the node's size there.
    /// </summary>
    GatherAxis,

    /// <summary>Args (g, index), Ints = (axis): the adjoint of <see cref="GatherAxis"/>, g scatter-added into a zero tensor of x's shape.</summary>
    ScatterAddAxis,

    /// <summary>A child layer's forward (<c>fc1.Call(h)</c>), run through its own span API.</summary>
    ChildCall,

    /// <summary>
    /// A child layer's backward: from (input, output, output gradient) to the input's gradient; it also
    /// accumulates the child's own parameter gradients, so it runs even when the input needs none.
    /// </summary>
    ChildGrad,

    /// <summary>
    /// Result <see cref="Node.Ints"/>[0] (from 1) of a child returning a tuple; Args (the ChildCall, which holds result 0).
    /// The child's forward writes it; it has no step of its own, and its gradient goes to the child's backward with the others'.
    /// </summary>
    ChildResult,
}

internal static class OpFacts
{
    public static bool IsElementwise(this Op op) => op == Op.Elementwise;

    public static bool IsLeaf(this Op op) => op is Op.Input or Op.Target or Op.Parameter or Op.OutputGrad or Op.Constant or Op.InverseCount;

    /// <summary>Leaves whose value is a single scalar known without reading a buffer.</summary>
    public static bool IsScalarConstant(this Op op) => op is Op.Constant or Op.InverseCount;
}
