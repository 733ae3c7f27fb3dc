using System.Collections.Generic;

namespace LayerGen.Generator.Ir;

/// <summary>One value of the op graph: what computes it, from which nodes, and its symbolic shape.</summary>
internal sealed class Node
{
    public Node(int id, Op op, IReadOnlyList<int> args, Shape shape)
    {
        Id = id;
        Op = op;
        Args = args;
        Shape = shape;
    }

    public int Id { get; }

    public Op Op { get; }

    public IReadOnlyList<int> Args { get; }

    public Shape Shape { get; }

    /// <summary>The value of a <see cref="Op.Constant"/>.</summary>
    public double Value { get; init; }

    /// <summary>A second constant (Clamp's upper bound).</summary>
    public double Value2 { get; init; }

    /// <summary>Integer attributes: axes, a permutation, slice bounds.</summary>
    public IReadOnlyList<int> Ints { get; init; } = System.Array.Empty<int>();

    /// <summary>For <see cref="Op.Einsum"/>: the equation, e.g. <c>ijk,bi,bj->bk</c>.</summary>
    public string Equation { get; init; } = string.Empty;

    /// <summary>For <see cref="Op.InverseCount"/>: the shape whose element count is divided by.</summary>
    public Shape? CountOf { get; init; }

    /// <summary>For <see cref="Op.MatMul"/>: whether the first / second operand is used transposed.</summary>
    public bool TransposeA { get; init; }

    public bool TransposeB { get; init; }

    /// <summary>For <see cref="Op.ChildCall"/> and <see cref="Op.ChildGrad"/>: the child's input feature dimensions.</summary>
    public Shape? ChildInput { get; init; }

    /// <summary>For leaves: the input's or parameter's name; for child ops, the child's member name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The forward source this node came from, for comments in the emitted code.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>True for nodes of the backward graph.</summary>
    public bool IsBackward { get; init; }

    public override string ToString() => $"%{Id} = {Op}({string.Join(", ", Args)}) : {Shape}";
}
