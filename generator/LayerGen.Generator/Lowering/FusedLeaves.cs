using System.Collections.Generic;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// Which nodes an element-wise chain computes inline and which it reads from buffers (its leaves): the fusion
/// Lowering chose by giving some nodes buffers and not others. One definition for Lowering's loop choices
/// (<see cref="LoopChoices"/>) and Emit's spelling of the chain.
/// </summary>
/// <param name="Plan">The lowered layer.</param>
/// <param name="Root">The node the chain computes.</param>
/// <param name="ExpandRoot">Compute the root even though it has a buffer (it is the step's own result).</param>
/// <param name="Accumulator">A node read from the local <c>acc</c> instead (a fused matmul), or -1.</param>
internal readonly record struct FusedLeaves(KernelPlan Plan, int Root, bool ExpandRoot, int Accumulator = -1)
{
    /// <summary>True when <paramref name="id"/> is read from a buffer rather than computed inline.</summary>
    public bool IsLeaf(int id)
    {
        var graph = Plan.Graph;
        return id != Accumulator && !(id == Root && ExpandRoot && graph[id].Op.IsElementwise())
            && !graph[id].Op.IsScalarConstant()
            && (Plan.Buffers.ContainsKey(id) || !graph[id].Op.IsElementwise());
    }

    /// <summary>The distinct buffers the chain reads, in first-use order.</summary>
    public List<int> Leaves()
    {
        var leaves = new List<int>();
        var self = this;
        void Visit(int id)
        {
            if (self.IsLeaf(id))
            {
                if (!leaves.Contains(id))
                {
                    leaves.Add(id);
                }

                return;
            }

            if (id == self.Accumulator || self.Plan.Graph[id].Op.IsScalarConstant())
            {
                return;
            }

            foreach (int arg in self.Plan.Graph[id].Args)
            {
                Visit(arg);
            }
        }

        Visit(Root);
        return leaves;
    }
}
