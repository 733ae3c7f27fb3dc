using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// <c>p.Expand(x.Size(0), -1)</c> and <c>p.ExpandAs(x)</c>, torch's <c>expand</c>: an operand broadcast to a shape, so
/// that a parameter can be joined to the input (<c>Ops.Concat(-1, x, p.Expand(x.Size(0), -1))</c>). One
/// <see cref="Elementwise.Expand"/> node, whose gradient sums over the stretched axes.
/// </summary>
internal sealed partial class GraphBuilder
{
    /// <summary>The sizes are the batch (when the first is <c>x.Size(0)</c>), then constants (-1 keeps a size) and sizes.</summary>
    private int? Expand(CallExpr call)
    {
        if (Visit(call.Operands[0]) is not int source)
        {
            return null;
        }

        // Each wanted size, null for -1; shown as written in the message when they do not fit.
        var wanted = new List<Dim?>();
        var written = new List<string>();
        if (call.Operands.Count == 2)
        {
            if (Visit(call.Operands[1]) is not int batchOf)
            {
                return null;
            }

            if (!ShapeOf(batchOf).HasRows)
            {
                Report(call, $"'{call.Operands[1].Text}.Size(0)' is the batch only of a tensor that holds it, but {Shown(ShapeOf(batchOf))} does not (a parameter's sizes are the layer's sizes: write them by name)");
                return null;
            }

            wanted.Add(Dim.Rows);
            written.Add("*");
        }

        for (int i = 0; i < call.Constants.Count; i++)
        {
            var size = call.SizeAt(i).Rename(_sizeName);
            if (size.IsConstant && size.ConstantValue < -1)
            {
                Report(call, $"size {wanted.Count + 1} of Expand is {size.ConstantValue}: a size is -1 (keep the existing one) or not negative");
                return null;
            }

            bool keep = size.IsConstant && size.ConstantValue == -1;
            wanted.Add(keep ? null : Dim.Of(size));
            written.Add(keep ? "-1" : Shown(Dim.Of(size)));
        }

        return ExpandTo(call, source, wanted, "[" + string.Join(", ", written) + "]");
    }

    /// <summary>
    /// <c>x.Unsqueeze(dim)</c>, torch's <c>unsqueeze</c> (Python's <c>x[..., None]</c>): an axis of size 1 inserted, so that
    /// x broadcasts along it (<c>validLens.Unsqueeze(-1)</c> against a row of positions). A reshape; the batch stays first.
    /// </summary>
    private int? Unsqueeze(CallExpr call)
    {
        if (Visit(call.Operands[0]) is not int x)
        {
            return null;
        }

        var shape = ShapeOf(x);
        if (_unifier is not null && shape.Dims.Any(d => d.Kind == DimKind.UnknownDims))
        {
            // While inferring: read again once the rank is known.
            return null;
        }

        int dim = call.Constants.Count == 1 ? call.Constants[0] : 0;
        int at = dim < 0 ? dim + shape.Rank + 1 : dim;
        if (at < 0 || at > shape.Rank || (shape.HasRows && at == 0))
        {
            Report(call, at < 0 || at > shape.Rank
                ? $"Unsqueeze({dim}) is out of range for {Shown(shape)}: a new axis goes at -{shape.Rank + 1} to {shape.Rank}"
                : $"Unsqueeze({dim}) would put an axis before the batch of {Shown(shape)}: the batch must stay the first axis");
            return null;
        }

        if (dim >= 0)
        {
            NoteAxis(dim, shape);
        }

        var dims = shape.Dims.ToList();
        dims.Insert(at, Dim.One);
        return Reshape(x, new Shape(dims));
    }

    /// <summary><c>p.ExpandAs(x)</c>: <see cref="Expand"/> to every size of x.</summary>
    private int? ExpandAs(CallExpr call)
    {
        if (VisitAll(call) is not { } args)
        {
            return null;
        }

        // While inferring, a target of unknown rank is read again once the input's rank is known.
        var target = ShapeOf(args[1]);
        if (target.Dims.Any(d => d.Kind == DimKind.UnknownDims))
        {
            return null;
        }

        return ExpandTo(call, args[0], target.Dims.Select(d => (Dim?)d).ToList(), Shown(target));
    }

    /// <summary>
    /// torch's rule: aligned at the last axis, a wanted size equals the existing one, keeps it (null), or replaces a 1;
    /// sizes in front of the operand's axes add axes. The batch stays the result's first axis.
    /// </summary>
    private int? ExpandTo(CallExpr call, int source, IReadOnlyList<Dim?> wanted, string targetText)
    {
        var shape = ShapeOf(source);
        if (wanted.Count < shape.Rank)
        {
            Report(call, $"cannot expand {Shown(shape)} to {targetText}: the sizes ({wanted.Count}) must be at least as many as the tensor's dimensions ({shape.Rank})");
            return null;
        }

        int lead = wanted.Count - shape.Rank;
        var dims = new Dim[wanted.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            if (i < lead)
            {
                if (wanted[i] is not { } added)
                {
                    Report(call, $"cannot expand {Shown(shape)} to {targetText}: -1 keeps an existing size, and dimension {i} is a new one");
                    return null;
                }

                dims[i] = added;
                continue;
            }

            var existing = shape[i - lead];
            var size = wanted[i] ?? existing;
            if (!existing.IsOne && !SameSize(existing, size))
            {
                Report(call, $"cannot expand {Shown(shape)} to {targetText}: the expanded size {Shown(size)} must match the existing size {Shown(existing)} at non-singleton dimension {i} (expand only stretches sizes of 1)");
                return null;
            }

            dims[i] = size;
        }

        var result = new Shape(dims);
        if (result.Dims.Skip(1).Any(d => d.Kind == DimKind.Rows))
        {
            Report(call, $"cannot expand {Shown(shape)} to {targetText}: the batch must stay the first axis");
            return null;
        }

        return result.Equals(shape) ? source : _graph.Add(new Node(0, Op.Elementwise, new[] { source }, result) { Function = Elementwise.Expand, Text = call.Text });
    }
}
