using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Ir;

/// <summary>
/// Every op a forward definition may use: the element-wise functions' ways of being written
/// (<see cref="Elementwise.WrittenAs"/>) and the structural ops and sugar below. The parser finds ops here, Building
/// makes their nodes, the tests check each against the runtime (<c>Ops</c>, <c>Tensor</c>) and docs/ops.md.
/// </summary>
/// <remarks>
/// A structural op or a piece of sugar is a row below and a value of <see cref="Construct"/> (at the end of this
/// file), which Building dispatches on; an element-wise function is only a row of its <c>Elementwise.*.cs</c> family.
/// </remarks>
internal static class OpTable
{
    private const WrittenForm OpsFunction = WrittenForm.OpsFunction;
    private const WrittenForm TensorMethod = WrittenForm.TensorMethod;

    /// <summary><c>w.T</c>, which MatMul also recognises as its transposed operand.</summary>
    public static readonly OpInfo Transposed = new("T", WrittenForm.TensorProperty, 1, Construct.Transposed);

    /// <summary><c>x.mT</c> (PyTorch's <c>Tensor.mT</c>): the last two axes swapped, read as <c>x.Transpose(-1, -2)</c>.</summary>
    public static readonly OpInfo MatrixTransposed = new("mT", WrittenForm.TensorProperty, 1, Construct.Transpose);

    /// <summary>
    /// <c>Tensor.Zeros(x.Size(0), n)</c> and <c>Tensor.Ones(...)</c> in a forward: a fresh tensor (its operand, when
    /// there is one, is the tensor whose batch it takes). Read by the parser from the factory call, so not in <see cref="All"/>.
    /// </summary>
    public static readonly OpInfo FreshZeros = new("Zeros", WrittenForm.OpsFunction, 0, Construct.Fresh);

    public static readonly OpInfo FreshOnes = new("Ones", WrittenForm.OpsFunction, 0, Construct.Fresh);

    private static readonly OpInfo[] Constructed =
    [
        new("MatMul", OpsFunction, 2, Construct.MatMul),
        new("MatMul", TensorMethod, 2, Construct.MatMul),
        Transposed,
        new("Square", OpsFunction, 1, Construct.Square),
        new("Square", TensorMethod, 1, Construct.Square),
        new("Gelu", OpsFunction, 1, Construct.Gelu),
        new("Dropout", OpsFunction, 1, Construct.Dropout),
        new("Sum", TensorMethod, 1, Construct.Sum),
        new("Mean", TensorMethod, 1, Construct.Mean),
        new("Max", TensorMethod, 1, Construct.Max),
        new("Min", TensorMethod, 1, Construct.Min),
        new("Softmax", OpsFunction, 1, Construct.Softmax),
        new("Softmax", TensorMethod, 1, Construct.Softmax),
        new("LogSoftmax", OpsFunction, 1, Construct.LogSoftmax),
        new("LogSoftmax", TensorMethod, 1, Construct.LogSoftmax),
        new("LogSumExp", OpsFunction, 1, Construct.LogSumExp),
        new("LogSumExp", TensorMethod, 1, Construct.LogSumExp),
        new("Reshape", TensorMethod, 1, Construct.Reshape),
        new("View", TensorMethod, 1, Construct.Reshape),
        new("Transpose", TensorMethod, 1, Construct.Transpose),
        new("Permute", TensorMethod, 1, Construct.Permute),
        new("Narrow", TensorMethod, 1, Construct.Narrow),
        new("Slice", TensorMethod, 1, Construct.Slice),
        new("Concat", OpsFunction, 1, Construct.Concat, variadic: true),
        new("Stack", OpsFunction, 1, Construct.Stack, variadic: true),
        new("Einsum", OpsFunction, 1, Construct.Einsum, variadic: true),
        new("Pick", OpsFunction, 2, Construct.Pick),
        new("FftHalf", OpsFunction, 1, Construct.FftHalf),
        new("Embedding", OpsFunction, 2, Construct.Embedding),
        new("IndexSelect", OpsFunction, 2, Construct.IndexSelect),
        new("IndexSelect", TensorMethod, 2, Construct.IndexSelect),

        // Broadcast to a shape, as torch's expand (issue 16): p.Expand(x.Size(0), -1), p.ExpandAs(x).
        new("Expand", TensorMethod, 1, Construct.Expand),
        new("ExpandAs", TensorMethod, 2, Construct.ExpandAs),
        new("Unsqueeze", TensorMethod, 1, Construct.Unsqueeze),
        MatrixTransposed,

        // torch.gather along an axis by an int64 input (issue 16): x.Gather(-1, index), Ops.Gather(x, -1, index).
        new("Gather", OpsFunction, 2, Construct.Gather),
        new("Gather", TensorMethod, 2, Construct.Gather),
    ];

    /// <summary><c>weight[ids]</c>: a tensor indexed by an int64 tensor (C#'s indexer; no method of the runtime's to check it against).</summary>
    public static readonly OpInfo Indexed = new("[]", WrittenForm.Operator, 2, Construct.Indexed);

    /// <summary>Every op, in a stable order: the structural ops and sugar, then the element-wise functions' spellings.</summary>
    public static IReadOnlyList<OpInfo> All { get; } = Constructed
        .Concat(Elementwise.All.SelectMany(f => f.WrittenAs.Select(w =>
            new OpInfo(w.Name ?? f.Name, w.Form, f.Arity, Construct.Function, numbersAreOperands: w.NumbersAreOperands, function: f))))
        .ToArray();

    private static readonly ILookup<(WrittenForm, string), OpInfo> ByName = All.ToLookup(o => (o.Form, o.Name));

    /// <summary>The ops written as <paramref name="name"/> in <paramref name="form"/> (overloads differ in their operands: <c>x.Pow(2f)</c>, <c>x.Pow(p)</c>).</summary>
    public static IReadOnlyList<OpInfo> Find(WrittenForm form, string name) => ByName[(form, name)].ToArray();
}

/// <summary>
/// What an op becomes in the graph, when it is not one node of an element-wise function: the structural ops and
/// the sugar lowered to primitives. Building has one method per value (and throws on one it does not know).
/// </summary>
internal enum Construct
{
    /// <summary>One node of <see cref="OpInfo.Function"/>, its operands broadcast together.</summary>
    Function,

    /// <summary><c>x.Square()</c>: x * x.</summary>
    Square,

    /// <summary><c>Ops.Gelu(x, approximate)</c>: the exact GELU, or its tanh form from primitives.</summary>
    Gelu,

    /// <summary><c>Ops.Dropout(x, p)</c>: x times a dropout mask.</summary>
    Dropout,

    MatMul,

    /// <summary><c>w.T</c> outside a MatMul.</summary>
    Transposed,

    /// <summary><c>Tensor.Zeros(x.Size(0), n)</c>, <c>Tensor.Ones(...)</c>: a constant broadcast to a shape (a workspace buffer).</summary>
    Fresh,

    /// <summary><c>x.Sum()</c>, or along an axis.</summary>
    Sum,

    /// <summary><c>x.Mean()</c>, or along an axis: the sum times 1/count.</summary>
    Mean,

    /// <summary><c>x.Max(axis)</c>.</summary>
    Max,

    /// <summary><c>x.Min(axis)</c>.</summary>
    Min,

    /// <summary><c>Softmax</c>, stable, from primitives.</summary>
    Softmax,

    /// <summary><c>LogSoftmax</c>, stable, from primitives.</summary>
    LogSoftmax,

    /// <summary><c>LogSumExp</c> along an axis, stable, from primitives.</summary>
    LogSumExp,
    Reshape,
    Transpose,
    Permute,
    Narrow,
    Slice,
    Concat,
    Stack,
    Einsum,
    Pick,
    FftHalf,

    /// <summary><c>Ops.Embedding(ids, weight)</c>: rows of a 2-D weight by int64 ids (negatives refused).</summary>
    Embedding,

    /// <summary><c>weight.IndexSelect(0, ids)</c>: rows of dimension 0 by a vector of int64 ids (negatives refused).</summary>
    IndexSelect,

    /// <summary><c>weight[ids]</c>: rows of dimension 0 by int64 ids of any shape; -1 is the last row.</summary>
    Indexed,

    /// <summary><c>p.Expand(x.Size(0), -1)</c>: the operand broadcast to the given sizes (an <see cref="Elementwise.Expand"/> node).</summary>
    Expand,

    /// <summary><c>p.ExpandAs(x)</c>: the first operand broadcast to the second's shape.</summary>
    ExpandAs,

    /// <summary><c>x.Unsqueeze(dim)</c>: an axis of size 1 inserted (a reshape).</summary>
    Unsqueeze,

    /// <summary><c>x.Gather(dim, index)</c>, <c>Ops.Gather(x, dim, index)</c>: torch.gather by an input of int64 indices.</summary>
    Gather,
}
