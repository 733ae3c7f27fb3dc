using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// Chooses, for every element-wise, copy, reduction and matrix-product step of a plan, the loop nest it runs as
/// (<see cref="LoopChoice"/>): the order of its loops, its vector tiers, and which operands are read once outside them.
/// </summary>
internal static class LoopChoices
{
    public static void Decide(KernelPlan plan)
    {
        foreach (var step in plan.ForwardSteps.Concat(plan.BackwardSteps))
        {
            var choice = step switch
            {
                ElementwiseStep e => ForMap(plan, new FusedLeaves(plan, e.Root, ExpandRoot: true), plan.Graph[e.Root].Shape),
                CopyStep c => ForMap(plan, new FusedLeaves(plan, c.Source, ExpandRoot: false), c.Target.Buffer.Shape),
                ReduceStep r => ForReduction(plan, r),
                MatMulStep m => ForEpilogue(plan, m),
                _ => null,
            };
            if (choice is not null)
            {
                plan.Loops[step] = choice;
            }
        }
    }

    /// <summary>
    /// target = chain over <paramref name="loop"/>: flat when every operand has the loop's shape or is one value,
    /// rows × columns when operands broadcast along rows or columns, else a scalar nest.
    /// </summary>
    private static LoopChoice ForMap(KernelPlan plan, FusedLeaves chain, Shape loop)
    {
        var access = Classify(plan, chain, loop);
        var order = loop.Rank == 0 ? LoopOrder.Single
            : IsFlat(plan, access, loop) ? LoopOrder.Flat
            : !AnyGeneral(access) ? LoopOrder.RowsByColumns
            : LoopOrder.General;
        bool vector = !plan.ScalarKernels && order is LoopOrder.Flat or LoopOrder.RowsByColumns;
        bool wide = vector && VectorTiers.WidePassMayRun(order == LoopOrder.Flat ? loop.Dims : new[] { loop.Last });
        return new LoopChoice(order, vector, wide, Place(plan, access, loop, order));
    }

    /// <summary>
    /// A sum of the chain over its input's shape down to the reduction's: one flat sum to a single value, row sums
    /// (the last axis summed), column sums (a matrix's rows summed), else a scalar nest adding into the target.
    /// </summary>
    private static LoopChoice ForReduction(KernelPlan plan, ReduceStep step)
    {
        var node = plan.Graph[step.Reduce];
        var inputShape = plan.Graph[node.Args[0]].Shape;
        var access = Classify(plan, new FusedLeaves(plan, node.Args[0], ExpandRoot: false), inputShape);
        var aligned = Enumerable.Repeat(Dim.One, inputShape.Rank - node.Shape.Rank).Concat(node.Shape.Dims).ToArray();
        bool rowSums = inputShape.Rank >= 2 && !inputShape.Last.IsOne && aligned[inputShape.Rank - 1].IsOne
            && Enumerable.Range(0, inputShape.Rank - 1).All(d => aligned[d].Equals(inputShape[d]));
        bool columnSums = inputShape.Rank == 2 && aligned[0].IsOne && aligned[1].Equals(inputShape[1]);
        var order = node.Shape.IsSingleValue && IsFlat(plan, access, inputShape) ? LoopOrder.Flat
            : rowSums && !AnyGeneral(access) ? LoopOrder.RowSums
            : columnSums && !AnyGeneral(access) ? LoopOrder.ColumnSums
            : LoopOrder.General;

        bool vector = !plan.ScalarKernels;
        bool wide = vector && order switch
        {
            LoopOrder.Flat => VectorTiers.WidePassMayRun(inputShape.Dims),
            LoopOrder.RowSums => VectorTiers.WidePassMayRun(new[] { inputShape.Last }),
            _ => false,
        };
        return new LoopChoice(order, vector, wide, Place(plan, access, inputShape, order))
        {
            SumAccumulators = vector && order is LoopOrder.Flat or LoopOrder.RowSums ? Unrolling.SumAccumulators : 1,
        };
    }

    /// <summary>
    /// A product's epilogue, applied per element of its M × N result: rows × columns. The wide pass is for the pass over
    /// the result after a GEMM call (the inline loops apply the epilogue to their own accumulators).
    /// </summary>
    private static LoopChoice ForEpilogue(KernelPlan plan, MatMulStep step)
    {
        var node = plan.Graph[step.MatMul];
        var loop = Shape.Of(node.Shape[0], node.Shape[1]);
        var access = step.Epilogue is int root
            ? Classify(plan, new FusedLeaves(plan, root, ExpandRoot: true, Accumulator: step.MatMul), loop)
            : new List<(int, LeafAccess)>();
        bool vector = !plan.ScalarKernels;
        bool wide = vector && VectorTiers.WidePassMayRun(new[] { node.Shape[1] });
        return new LoopChoice(LoopOrder.RowsByColumns, vector, wide, Place(plan, access, loop, LoopOrder.RowsByColumns));
    }

    private static List<(int Leaf, LeafAccess Access)> Classify(KernelPlan plan, FusedLeaves chain, Shape loop) =>
        chain.Leaves().Select(leaf => (leaf, LeafAccess.Classify(plan.Buffers[leaf].Shape, loop))).ToList();

    private static bool IsFlat(KernelPlan plan, List<(int Leaf, LeafAccess Access)> access, Shape loop) =>
        access.All(a => plan.Buffers[a.Leaf].Shape.Equals(loop) || plan.Buffers[a.Leaf].Shape.IsSingleValue);

    private static bool AnyGeneral(List<(int Leaf, LeafAccess Access)> access) => access.Any(a => a.Access.Outer == OuterPattern.General);

    /// <summary>
    /// Operands that do not vary along the inner axis are read once: before the loop when they are one value for it,
    /// before each row's inner loop when they are one value per row (rows × columns nests only).
    /// </summary>
    private static List<LoopOperand> Place(KernelPlan plan, List<(int Leaf, LeafAccess Access)> access, Shape loop, LoopOrder order)
    {
        var operands = new List<LoopOperand>();
        foreach (var (leaf, a) in access)
        {
            var shape = plan.Buffers[leaf].Shape;
            bool once = !a.VariesWithInner && a.Outer == OuterPattern.None;
            bool perRow = !a.VariesWithInner && a.Outer == OuterPattern.Full;
            operands.Add(order switch
            {
                LoopOrder.General => new LoopOperand(leaf, a, OperandHoist.InLoop, ReadHoisted: false),
                LoopOrder.Single or LoopOrder.Flat => new LoopOperand(leaf, a, once ? OperandHoist.OncePerLoop : OperandHoist.InLoop,
                    ReadHoisted: shape.IsSingleValue && !shape.Equals(loop)),
                _ => new LoopOperand(leaf, a, once ? OperandHoist.OncePerLoop : perRow ? OperandHoist.OncePerRow : OperandHoist.InLoop,
                    ReadHoisted: !a.VariesWithInner),
            });
        }

        return operands;
    }
}
