using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Lowering;

/// <summary>The shape of the loop nest of an element-wise map, a copy, a reduction or a product's epilogue.</summary>
internal enum LoopOrder
{
    /// <summary>A map to a rank-0 result: one statement, no loop.</summary>
    Single,

    /// <summary>
    /// One flat loop over every element (every operand has the loop's shape or is one value); for a reduction to one
    /// value, one flat sum.
    /// </summary>
    Flat,

    /// <summary>A map over outer rows × inner columns, the inner loop vectorised: operands broadcast along rows or columns.</summary>
    RowsByColumns,

    /// <summary>A reduction of each row along its last axis: one vector sum per outer index.</summary>
    RowSums,

    /// <summary>A reduction of a matrix's rows into one row: each row's vectors added into the target.</summary>
    ColumnSums,

    /// <summary>Any other broadcast: a scalar nest over every dimension, each operand indexed by the coordinates.</summary>
    General,
}

/// <summary>Where a loop declares an operand that does not vary along its inner (vectorised) axis.</summary>
internal enum OperandHoist
{
    /// <summary>Not declared: read inside the loop.</summary>
    InLoop,

    /// <summary>Read once before the loop (a bias of one value, a scalar): <c>biasValue</c>, and <c>biasVector</c>.</summary>
    OncePerLoop,

    /// <summary>Read once per outer index, before the inner loop (a per-row statistic).</summary>
    OncePerRow,
}

/// <summary>
/// One operand (a leaf of the fused chain) of a loop step.
/// </summary>
/// <param name="Leaf">The node read from its buffer.</param>
/// <param name="Access">How it is indexed against the loop's outer × inner shape.</param>
/// <param name="Hoist">Where it is declared as a local, if anywhere.</param>
/// <param name="ReadHoisted">
/// The loop body reads the hoisted local rather than loading the buffer. In a flat loop that is so for operands of
/// one value whose shape is not the loop's (a rank-0 loop's rank-0 operand is declared and still loaded at 0).
/// </param>
internal sealed record LoopOperand(int Leaf, LeafAccess Access, OperandHoist Hoist, bool ReadHoisted);

/// <summary>
/// How one loop step runs, chosen by Lowering (<see cref="LoopChoices"/>): Emit prints the nest it names and decides
/// nothing about speed.
/// </summary>
/// <param name="Order">The nest: flat, rows × columns, row or column sums, or general.</param>
/// <param name="Vector">
/// The <c>Vector&lt;float&gt;</c> tier: vector loops and vector locals (hoisted operands, the chain's run-time constants).
/// A general reduction keeps it for the chain's constants only (its nest is scalar).
/// </param>
/// <param name="WidePass">A 512-bit pass first (it runs only where <c>Vector512.IsHardwareAccelerated</c>).</param>
/// <param name="Operands">The chain's leaves in first-use order, each with its indexing and hoisting.</param>
internal sealed record LoopChoice(LoopOrder Order, bool Vector, bool WidePass, IReadOnlyList<LoopOperand> Operands)
{
    /// <summary>A vector sum's accumulators over the summed axis (<see cref="Unrolling.SumAccumulators"/>; 1 for a map).</summary>
    public int SumAccumulators { get; init; } = 1;

    public LoopOperand Operand(int leaf) => Operands.First(o => o.Leaf == leaf);
}
