using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>Fresh tensors in a forward (<c>Tensor.Zeros(x.Size(0), n)</c>): a constant expanded to a shape.</summary>
internal sealed partial class GraphBuilder
{
    /// <summary>
    /// The constant (0 for Zeros, 1 for Ones) broadcast to [batch?, sizes...]: an <see cref="Elementwise.Expand"/> node,
    /// which lowering writes into a workspace buffer (or fuses into its readers) like any element-wise result.
    /// </summary>
    private int? Fresh(CallExpr call)
    {
        var dims = new List<Dim>();
        if (call.Operands.Count == 1)
        {
            if (Visit(call.Operands[0]) is not int batchOf)
            {
                return null;
            }

            var shape = ShapeOf(batchOf);
            if (!shape.HasRows)
            {
                Report(call, $"'{call.Operands[0].Text}.Size(0)' is the batch only of a tensor that holds it, but {Shown(shape)} does not (a parameter's sizes are the layer's sizes: write them by name)");
                return null;
            }

            dims.Add(Dim.Rows);
        }

        for (int i = 0; i < call.Constants.Count; i++)
        {
            var size = call.SizeAt(i).Rename(_sizeName);
            if (size.IsConstant && size.ConstantValue < 0)
            {
                Report(call, $"size {i + (call.Operands.Count == 1 ? 2 : 1)} of a fresh tensor is {size.ConstantValue}, and a size cannot be negative");
                return null;
            }

            dims.Add(Dim.Of(size));
        }

        double value = call.Op == OpTable.FreshOnes ? 1 : 0;
        int constant = _graph.Add(new Node(0, Op.Constant, System.Array.Empty<int>(), Shape.Scalar) { Value = value, Text = value == 1 ? "1" : "0" });
        return _graph.Add(new Node(0, Op.Elementwise, new[] { constant }, new Shape(dims)) { Function = Elementwise.Expand, Text = call.Text });
    }
}
