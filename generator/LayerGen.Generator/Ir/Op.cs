namespace LayerGen.Generator.Ir;

/// <summary>
/// The op set of the IR. Sugar in the source (Mean, Linear-style transposes) lowers to these before
/// differentiation, so each op here has exactly one rule in <c>Autodiff/VjpRules.cs</c>.
/// </summary>
internal enum Op
{
    // Leaves: values that come from outside the kernel.
    Input,
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

    /// <summary>1 where the argument is positive, else 0 (the derivative of Relu).</summary>
    Step,

    /// <summary>Broadcasts its argument to the node's shape (the adjoint of a reduction).</summary>
    Expand,

    // Structural.

    /// <summary>op(A) · op(B) of two matrices; the rows dimension may be either matrix dimension.</summary>
    MatMul,

    /// <summary>Sums its argument down to the node's shape, aligned to the trailing dimensions (the adjoint of broadcasting).</summary>
    ReduceSum,

    /// <summary>The same elements seen with another shape (no copy).</summary>
    Reshape,

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
    public static bool IsElementwise(this Op op) => op is >= Op.Add and <= Op.Expand;

    public static bool IsLeaf(this Op op) => op is Op.Input or Op.Parameter or Op.OutputGrad or Op.Constant or Op.InverseCount;

    /// <summary>Leaves whose value is a single scalar known without reading a buffer.</summary>
    public static bool IsScalarConstant(this Op op) => op is Op.Constant or Op.InverseCount;
}
