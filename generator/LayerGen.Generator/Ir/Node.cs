using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Ir;

/// <summary>
/// One value of the op graph: what computes it (<see cref="Op"/>, and for an element-wise node its row of the op
/// table, <see cref="Function"/>), from which nodes, and its symbolic shape.
/// </summary>
/// <remarks>
/// A value-equal record: two nodes compute the same value exactly when they are equal once <see cref="Id"/>,
/// <see cref="Text"/> and <see cref="IsBackward"/> are set aside (<see cref="Graph.SharingKey"/>). That is how the
/// graph shares common subexpressions, so a property added here takes part in the sharing key by itself.
/// </remarks>
internal sealed record Node(int Id, Op Op, EquatableArray<int> Args, Shape Shape)
{
    public Node(int id, Op op, IEnumerable<int> args, Shape shape)
        : this(id, op, args.ToEquatableArray(), shape)
    {
    }

    /// <summary>For <see cref="Op.Elementwise"/>: which element-wise function (a row of the op table).</summary>
    public Elementwise? Function { get; init; }

    /// <summary>The value of a <see cref="Op.Constant"/>; the probability of a <see cref="Op.DropoutMask"/>.</summary>
    public Number Value { get; init; }

    /// <summary>An element-wise function's constant attributes, in the order its row names them (Clamp's bounds).</summary>
    public EquatableArray<Number> Attributes { get; init; } = EquatableArray<Number>.Empty;

    /// <summary>Integer attributes: axes, a permutation, slice bounds.</summary>
    public EquatableArray<int> Ints { get; init; } = EquatableArray<int>.Empty;

    /// <summary>For <see cref="Op.Slice"/> and <see cref="Op.SliceGrad"/>: where the block starts along the axis (a size of the layer's parameters, or a constant).</summary>
    public Dim Start { get; init; }

    /// <summary>For <see cref="Op.Einsum"/>: the equation, e.g. <c>ijk,bi,bj->bk</c>.</summary>
    public string Equation { get; init; } = string.Empty;

    /// <summary>For <see cref="Op.InverseCount"/>: the shape whose element count is divided by.</summary>
    public Shape? CountOf { get; init; }

    /// <summary>For <see cref="Op.MatMul"/>: whether the first / second operand is used transposed.</summary>
    public bool TransposeA { get; init; }

    public bool TransposeB { get; init; }

    /// <summary>For <see cref="Op.ChildCall"/> and <see cref="Op.ChildGrad"/>: the child's input feature dimensions.</summary>
    public Shape? ChildInput { get; init; }

    /// <summary>
    /// For <see cref="Op.ChildCall"/>: the child reads its features from its input at each call (<c>Building.RunTimeFeatures</c>),
    /// so the kernels tell it the row length of <see cref="ChildInput"/> before they use it.
    /// </summary>
    public bool ChildReadsFeatures { get; init; }

    /// <summary>For leaves: the input's or parameter's name; for child ops, the child's member name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>For an <see cref="Op.Input"/>: it holds int64 ids (a <c>ReadOnlySpan&lt;long&gt;</c> in the kernels), read only by gathers.</summary>
    public bool IsIds { get; init; }

    /// <summary>The forward source this node came from, for comments in the emitted code.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>True for nodes of the backward graph.</summary>
    public bool IsBackward { get; init; }

    /// <summary>The op's name as the IR writes it: the element-wise function's, or the structural op's.</summary>
    public string OpName => Function?.Name ?? Op.ToString();

    public override string ToString() =>
        $"%{Id} = {OpName}({string.Join(", ", Args.Select(a => "%" + a))}{string.Concat(Attributes.Select(a => ", " + a))}) : {Shape}";
}
