using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// Blocks of an axis: <c>x.Narrow(axis, start, length)</c> (torch.narrow) and <c>x.Slice(axis, start, end)</c>
/// (Python's <c>x[..., start:end]</c>), with bounds that are constants or sizes of the layer's parameters.
/// </summary>
/// <remarks>
/// A bound the compiler can place is checked here (a constant one out of range is an error for Narrow, and clamped as
/// PyTorch clamps it for Slice); a bound only the constructor's arguments decide (<c>Narrow(-1, 0, numInputs)</c> on
/// <c>[*, numInputs + numHiddens]</c>) is checked when the layer is constructed (<see cref="Graph.SizeChecks"/>).
/// </remarks>
internal sealed partial class GraphBuilder
{
    private int? Narrow(int arg, CallExpr call)
    {
        if (AxisOf(arg, call) is not int axis)
        {
            return null;
        }

        var size = ShapeOf(arg)[axis].AsSize;
        var start = call.SizeAt(1).Rename(_sizeName);
        var length = call.SizeAt(2).Rename(_sizeName);
        if (start.IsNegative)
        {
            // As torch.narrow: a negative start (-1, -k) counts from the end.
            start = size + start;
        }

        return SliceOf(arg, axis, start, length, call);
    }

    private int? SliceBetween(int arg, CallExpr call)
    {
        if (AxisOf(arg, call) is not int axis)
        {
            return null;
        }

        var size = ShapeOf(arg)[axis].AsSize;
        var start = FromEnd(call.SizeAt(1).Rename(_sizeName), size);
        var end = FromEnd(call.SizeAt(2).Rename(_sizeName), size);
        if (size.IsConstant && start.IsConstant && end.IsConstant)
        {
            // Python's slicing: out-of-range bounds are clamped to the axis, and an end before the start is empty.
            long from = System.Math.Min(System.Math.Max(start.ConstantValue, 0), size.ConstantValue);
            long to = System.Math.Min(System.Math.Max(end.ConstantValue, 0), size.ConstantValue);
            start = SizeExpr.Constant(from);
            end = SizeExpr.Constant(System.Math.Max(from, to));
        }

        return SliceOf(arg, axis, start, end - start, call);
    }

    /// <summary>A negative bound (<c>-1</c>, <c>-k</c>) counts from the end of the axis, as in Python.</summary>
    private static SizeExpr FromEnd(SizeExpr bound, SizeExpr size) => bound.IsNegative ? size + bound : bound;

    /// <summary>The sliced axis (argument 0, a constant) counted from the front; null (reported) when it is not a sized axis.</summary>
    private int? AxisOf(int arg, CallExpr call)
    {
        if (NormaliseAxis(arg, call.Constants[0], call) is not int axis)
        {
            return null;
        }

        if (!ShapeOf(arg)[axis].IsSize)
        {
            Report(call, $"axis {call.Constants[0]} of {ShapeOf(arg)} is the batch, which cannot be sliced");
            return null;
        }

        return axis;
    }

    /// <summary>The block [start, start + length) of <paramref name="axis"/>, its bounds checked now or when the layer is constructed.</summary>
    private int? SliceOf(int arg, int axis, SizeExpr start, SizeExpr length, CallExpr call)
    {
        var shape = ShapeOf(arg);
        var size = shape[axis].AsSize;
        var end = start + length;
        string block = $"[{Shown(start)}, {Shown(end)}) of axis {call.Constants[0]} of {Shown(shape)}";
        bool fits = AtMost(SizeExpr.Constant(0), start, block + " starts before the axis", "the block starts inside the axis", call)
            && AtMost(SizeExpr.Constant(1), length, block + " is empty", "the block is not empty", call)
            && AtMost(end, size, block + " ends after the axis", "the block ends inside the axis", call);
        if (!fits)
        {
            return null;
        }

        var dims = shape.Dims.ToArray();
        dims[axis] = Dim.Of(length);
        return _graph.Add(new Node(0, Op.Slice, new[] { arg }, new Shape(dims)) { Ints = new[] { axis }.ToEquatableArray(), Start = Dim.Of(start), Text = call.Text });
    }

    /// <summary>
    /// <paramref name="low"/> ≤ <paramref name="high"/>: true when it holds for every size, false (reported as
    /// <paramref name="problem"/>) when it never does, and otherwise a check when the layer is constructed (that <paramref name="requirement"/>).
    /// </summary>
    private bool AtMost(SizeExpr low, SizeExpr high, string problem, string requirement, CallExpr call)
    {
        var gap = high - low;
        if (gap.IsConstant)
        {
            if (gap.ConstantValue < 0)
            {
                Report(call, problem);
                return false;
            }

            return true;
        }

        _graph.SizeChecks.Add(new SizeCheck(call.Text, low, "<=", high, requirement, call.Location));
        return true;
    }

    /// <summary>A size in the kernels' names as the user wrote its parameters (<c>n_n</c> is <c>n</c>), for messages.</summary>
    private string Shown(SizeExpr size) =>
        size.Rename(kernelName => _layer.SizeParameters.FirstOrDefault(p => _sizeName(p) == kernelName) ?? kernelName).ToString();

    private string Shown(Shape shape) => "[" + string.Join(", ", shape.Dims.Select(d => d.Kind == DimKind.Symbol ? Shown(d.AsSize) : d.ToString())) + "]";

    /// <summary>
    /// Sizes of the layer's parameters can stand only where a size goes (Reshape's sizes, Narrow's and Slice's bounds):
    /// an axis or a permutation chooses the kernel's loops, so it must be a constant. Reports the first that is not.
    /// </summary>
    private bool AxesAreConstants(CallExpr call)
    {
        var allowed = call.Op.Construct switch
        {
            Construct.Reshape or Construct.Fresh or Construct.Expand => Enumerable.Range(0, call.Constants.Count),
            Construct.Narrow or Construct.Slice => new[] { 1, 2 },
            _ => Enumerable.Empty<int>(),
        };
        var misplaced = call.SizeArguments.FirstOrDefault(s => !allowed.Contains(s.Position) && !s.Size.IsConstant);
        if (misplaced is null)
        {
            return true;
        }

        _diagnostics.Add(Diagnostics.DiagnosticInfo.Create(
            Diagnostics.DiagnosticDescriptors.UnsupportedExpression,
            misplaced.Location ?? call.Location,
            misplaced.Size.ToString(),
            _layer.ClassName,
            $"an axis of '{call.Op.Name}' must be a compile-time constant: it chooses the kernel's loops (sizes of the layer's parameters can stand where a size goes: Reshape's sizes, Narrow's and Slice's bounds)"));
        return false;
    }
}
