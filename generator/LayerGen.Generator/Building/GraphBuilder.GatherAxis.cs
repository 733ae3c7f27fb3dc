using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// <c>x.Gather(dim, index)</c> and <c>Ops.Gather(x, dim, index)</c>, <c>torch.gather</c>: out[..., j, ...] =
/// x[..., index[..., j, ...], ...] along one axis, by an input of int64 indices (inferred from this use, as
/// <c>weight[ids]</c>'s are). The index has x's shape except along the axis, whose size is the result's there.
/// </summary>
/// <remarks>
/// torch.gather also accepts an index smaller than x in the other dimensions; the kernels compile the common form (the
/// same sizes there, e.g. picking k of n scores per row), and the eager op takes both. Each index is checked when the
/// kernel reads it: one out of range is an error naming it, its position and the bound. The gradient scatter-adds into
/// x's shape (<see cref="Op.ScatterAddAxis"/>), so a repeated index accumulates.
/// </remarks>
internal sealed partial class GraphBuilder
{
    private int? GatherAlongAxis(CallExpr call)
    {
        if (call.Constants.Count != 1)
        {
            Report(call, "Gather takes its axis as a constant: x.Gather(dim, index)");
            return null;
        }

        var source = Visit(call.Operands[0]);
        var index = VisitIds(call.Operands[1], "Gather(dim, index)");
        if (source is null || index is null)
        {
            return null;
        }

        var shape = ShapeOf(source.Value);
        var indexShape = ShapeOf(index.Value);
        if (_unifier is not null && shape.Dims.Concat(indexShape.Dims).Any(d => d.IsVariable))
        {
            // While inferring: the result has the index's shape, known once the inputs' are.
            return Unknown();
        }

        if (NormaliseAxis(source.Value, call.Constants[0], call) is not int axis)
        {
            return null;
        }

        if (shape.HasRows && axis == 0)
        {
            Report(call, $"Gather along the batch of {Shown(shape)} is not compiled: gather along one of its other axes");
            return null;
        }

        bool fits = indexShape.Rank == shape.Rank && Enumerable.Range(0, shape.Rank).All(d => d == axis || SameSize(shape[d], indexShape[d]));
        if (!fits)
        {
            Report(call, $"Gather's index must have the shape of x except along axis {call.Constants[0]}, but x is {Shown(shape)} and the index {Shown(indexShape)}");
            return null;
        }

        return _graph.Add(new Node(0, Op.GatherAxis, new[] { source.Value, index.Value }, indexShape) { Ints = new[] { axis }.ToEquatableArray(), Text = call.Text });
    }
}
