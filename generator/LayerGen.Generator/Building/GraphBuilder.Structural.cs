using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>Structural ops: views, permutations, slices, joins, matrix products, picks and the Fourier transform.</summary>
internal sealed partial class GraphBuilder
{
    private int? Structural(CallExpr call)
    {
        if (VisitAll(call) is not { } args)
        {
            return null;
        }

        OpenAxisRead(call, args[0]);
        if (NotKnownYet(args))
        {
            return null;
        }

        var shape = ShapeOf(args[0]);
        switch (call.Op.Construct)
        {
            case Construct.Reshape:
                return ReshapeTo(args[0], call);
            case Construct.Transpose when call.Constants.Count == 2:
                if (NormaliseAxis(args[0], call.Constants[0], call) is not int a || NormaliseAxis(args[0], call.Constants[1], call) is not int b)
                {
                    return null;
                }

                var swap = Enumerable.Range(0, shape.Rank).ToArray();
                (swap[a], swap[b]) = (swap[b], swap[a]);
                return Permute(args[0], swap, call);
            case Construct.Permute when call.Constants.Count == shape.Rank:
                var dims = call.Constants.Select(d => d < 0 ? d + shape.Rank : d).ToArray();
                if (dims.OrderBy(d => d).SequenceEqual(Enumerable.Range(0, shape.Rank)) is false)
                {
                    Report(call, $"({string.Join(", ", call.Constants)}) is not a permutation of the {shape.Rank} axes of {shape}");
                    return null;
                }

                return Permute(args[0], dims, call);
            case Construct.Narrow when call.Constants.Count == 3:
                return Narrow(args[0], call);
            case Construct.Slice when call.Constants.Count == 3:
                return SliceBetween(args[0], call);
            case Construct.Concat or Construct.Stack when call.Constants.Count == 1 && args.Count >= 1:
                return Join(args, call.Constants[0], stack: call.Op.Construct == Construct.Stack, call);
        }

        Report(call, $"'{call.Op.Name}' was called with arguments the generator does not understand");
        return null;
    }

    /// <summary>
    /// The axis of <paramref name="arg"/> an op names, counted from the front; null (reported) when it is out of
    /// range or a negative axis lands on the batch. While inferring, a negative axis opens the input's trailing
    /// dimensions, and one counted from the front must lie before its unknown ones.
    /// </summary>
    private int? NormaliseAxis(int arg, int axis, CallExpr call)
    {
        OpenForAxis(arg, axis);
        var shape = ShapeOf(arg);
        if (_unifier is not null && axis >= 0 && ShapeUnifier.OpenAt(shape) is int open && open >= 0 && axis >= open)
        {
            return null;
        }

        NoteAxis(axis, shape);
        int normalised = axis < 0 ? axis + shape.Rank : axis;
        if (axis < 0 && normalised == 0 && shape.HasRows)
        {
            ReportUnknownFeatures(call, axis, shape);
            return null;
        }

        if (normalised < 0 || normalised >= shape.Rank)
        {
            Report(call, $"axis {axis} is out of range for a tensor of shape {shape}");
            return null;
        }

        return normalised;
    }

    /// <summary>
    /// A view with the same elements. A batched tensor keeps its batch: the first size must be -1. The sizes may be
    /// sizes of the layer's parameters (<c>Reshape(-1, steps, heads, d / heads)</c>); an element count that only the
    /// constructor's arguments can show to be kept (<c>heads * (d / heads)</c> against <c>d</c>) is checked when the
    /// layer is constructed.
    /// </summary>
    private int? ReshapeTo(int arg, CallExpr call)
    {
        var shape = ShapeOf(arg);
        NoteAxis(0, shape);
        var features = shape.HasRows ? shape.Dims.Skip(1).ToList() : shape.Dims.ToList();
        var requested = Enumerable.Range(0, call.Constants.Count).Select(i => call.SizeAt(i).Rename(_sizeName)).ToList();
        string written = string.Join(", ", Enumerable.Range(0, call.Constants.Count).Select(i => call.SizeAt(i).ToString()));
        bool IsWildcard(SizeExpr size) => size.IsConstant && size.ConstantValue == -1;
        if (shape.HasRows)
        {
            if (requested.Count == 0 || !IsWildcard(requested[0]))
            {
                Report(call, $"reshaping {shape} must keep the batch: write -1 first, e.g. Reshape(-1, ...)");
                return null;
            }

            requested.RemoveAt(0);
        }

        if (features.Any(d => !d.IsSize))
        {
            Report(call, $"cannot reshape {shape}: its features must be sizes");
            return null;
        }

        var known = Shape.SizeProduct(features);
        if (requested.Count(IsWildcard) > (shape.HasRows ? 0 : 1))
        {
            // PyTorch infers at most one size, and so does the eager Reshape that CallEager runs; on a
            // batched tensor that is the batch's.
            Report(call, shape.HasRows
                ? $"only one size can be inferred, as in PyTorch, and on {shape} that is the batch's (the first -1): write the others{ReshapeHint(call, requested, known)}"
                : "only one size can be inferred, as in PyTorch: write the others");
            return null;
        }

        if (requested.Any(d => d.IsConstant && (d.ConstantValue < -1 || d.ConstantValue == 0)))
        {
            Report(call, $"cannot reshape {shape} to ({written}): the element counts differ");
            return null;
        }

        int wildcard = requested.FindIndex(IsWildcard);
        if (wildcard >= 0)
        {
            var others = requested.Where(d => !IsWildcard(d)).Aggregate(SizeExpr.Constant(1), (p, d) => p * d);
            var inferred = others.IsConstant && others.ConstantValue == 0 ? null : SizeExpr.Divide(known, others);
            if (inferred is null || !(inferred * others).Equals(known))
            {
                Report(call, $"cannot infer the -1 in ({written}) for {shape}");
                return null;
            }

            requested[wildcard] = inferred;
        }

        var target = requested.Aggregate(SizeExpr.Constant(1), (p, d) => p * d);
        if (!target.Equals(known))
        {
            if (!CheckedAtConstruction(target, known))
            {
                Report(call, $"cannot reshape {shape} to ({written}): the element counts differ");
                return null;
            }

            // heads * (d / heads) against d: equal exactly when heads divides d, which the constructor's arguments decide.
            // Reshaping back (transpose_output after transpose_qkv) needs the same fact: one check says it.
            if (!_graph.SizeChecks.Any(c => c.Relation == "==" && ((c.Left.Equals(target) && c.Right.Equals(known)) || (c.Left.Equals(known) && c.Right.Equals(target)))))
            {
                _graph.SizeChecks.Add(new SizeCheck(call.Text, target, "==", known, "the element count is kept", call.Location));
            }
        }

        var dims = requested.Select(Dim.Of);
        var result = shape.HasRows ? new[] { Dim.Rows }.Concat(dims).ToArray() : dims.ToArray();
        return _graph.Add(new Node(0, Op.Reshape, new[] { arg }, new Shape(result)) { Text = call.Text });
    }

    /// <summary>
    /// True when two different sizes can still be equal for some constructor arguments in a way the layer's
    /// constructor should check: one of them rounds (a quotient or remainder of sizes). Two different polynomials
    /// of the sizes (<c>n</c> against <c>m</c>, <c>2 * n</c> against <c>n</c>) are different sizes, as they always were.
    /// </summary>
    private static bool CheckedAtConstruction(SizeExpr a, SizeExpr b) => !a.IsPolynomial || !b.IsPolynomial;

    /// <summary>
    /// For a batched reshape with one -1 besides the batch's (<paramref name="requested"/>: the sizes after
    /// the batch's): ", e.g. Reshape(-1, 6, 2)", that -1 written out; empty when its size is not one
    /// constant (several -1s, a symbolic size, no exact division).
    /// </summary>
    private static string ReshapeHint(CallExpr call, List<SizeExpr> sizes, SizeExpr knownSize)
    {
        if (!knownSize.IsConstant || sizes.Any(d => !d.IsConstant))
        {
            return string.Empty;
        }

        var requested = sizes.Select(d => d.ConstantValue).ToList();
        long known = knownSize.ConstantValue;
        long others = requested.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
        if (requested.Count(d => d == -1) != 1 || requested.Any(d => d < -1) || others <= 0 || known % others != 0)
        {
            return string.Empty;
        }

        var shown = requested.Select(d => d == -1 ? known / others : d);
        return $", e.g. {call.Op.Name}(-1, {string.Join(", ", shown)})";
    }

    /// <summary>
    /// A negative axis that lands on the batch means the input's features are unknown (a shape-agnostic
    /// layer sees every element as a row): the eager path would use the real last axis, the kernel the
    /// batch. Rather than compute something else silently, ask for the input shape.
    /// </summary>
    /// <remarks>
    /// With the input's features known (declared or inferred), the axis is simply the batch, which a
    /// negative axis cannot name: the kernel's one axis of rows may be several dimensions of the real input.
    /// </remarks>
    private void ReportUnknownFeatures(CallExpr call, int axis, Shape shape) =>
        Report(call, ShapeOf(_graph.Input).Rank == 1
            ? $"axis {axis} of {shape} is the batch itself: this layer's input features are unknown, so declare them, e.g. [Layer(Input = \"[*, n]\")]"
            : $"axis {axis} of {shape} is the batch, which a negative axis cannot name: the batch may be several dimensions (axis 0 names it when there is one)");

    /// <summary>
    /// An axis counted from the front of a batched tensor assumes exactly one batch dimension (eager
    /// code would count it on the real input); the layer then accepts only such inputs.
    /// </summary>
    private void NoteAxis(int axis, Shape shape)
    {
        if (axis >= 0 && shape.HasRows)
        {
            _graph.CountsAxesFromTheFront = true;
        }
    }

    private int? Permute(int arg, int[] dims, CallExpr call)
    {
        var shape = ShapeOf(arg);
        NoteAxis(0, shape);
        if (shape.HasRows && dims[0] != 0)
        {
            Report(call, $"the batch must stay the first axis of {shape}");
            return null;
        }

        var result = new Shape(dims.Select(d => shape[d]).ToArray());
        return _graph.Add(new Node(0, Op.Permute, new[] { arg }, result) { Ints = dims.ToEquatableArray(), Text = call.Text });
    }

    private int? Join(List<int> args, int axisArgument, bool stack, CallExpr call)
    {
        if (stack)
        {
            // Stack = concatenation of the operands with a new axis of size 1.
            var first = ShapeOf(args[0]);
            int position = axisArgument < 0 ? axisArgument + first.Rank + 1 : axisArgument;
            if (position < 0 || position > first.Rank)
            {
                Report(call, $"axis {axisArgument} is out of range for stacking tensors of shape {first}");
                return null;
            }

            for (int i = 0; i < args.Count; i++)
            {
                var dims = ShapeOf(args[i]).Dims.ToList();
                dims.Insert(position, Dim.One);
                args[i] = Reshape(args[i], new Shape(dims));
            }

            axisArgument = position;
        }

        var shape = ShapeOf(args[0]);
        if (NormaliseAxis(args[0], axisArgument, call) is not int axis)
        {
            return null;
        }

        var total = SizeExpr.Constant(0);
        foreach (int arg in args)
        {
            var other = ShapeOf(arg);
            bool compatible = other.Rank == shape.Rank && Enumerable.Range(0, shape.Rank).All(d => d == axis || other[d].Equals(shape[d]));
            if (!compatible || !other[axis].IsSize)
            {
                // A parameter joined to the input needs the batch first, as in PyTorch: say how to give it one.
                string expand = args.Any(a => ShapeOf(a).HasRows) && args.Any(a => !ShapeOf(a).HasRows) ? " (give a tensor without the batch one with Expand, e.g. p.Expand(x.Size(0), -1))" : string.Empty;
                Report(call, $"cannot join {string.Join(" and ", args.Select(a => ShapeOf(a)))} along axis {axisArgument}: the other dimensions must match and the joined one must be a size, not the batch{expand}");
                return null;
            }

            total += other[axis].AsSize;
        }

        var result = shape.Dims.ToArray();
        result[axis] = Dim.Of(total);
        return _graph.Add(new Node(0, Op.Concat, args, new Shape(result)) { Ints = new[] { axis }.ToEquatableArray(), Text = call.Text });
    }

    private int? MatMul(CallExpr call)
    {
        int? a = Visit(call.Operands[0]);
        if (a is null)
        {
            return null;
        }

        bool transposeB = call.Operands[1] is CallExpr { Op: var op } && ReferenceEquals(op, OpTable.Transposed);
        var transposeCall = transposeB ? null : TransposeCall(call.Operands[1]);
        var bExpr = transposeB ? ((CallExpr)call.Operands[1]).Operands[0] : transposeCall?.Operands[0] ?? call.Operands[1];
        int? b = Visit(bExpr);
        if (b is null)
        {
            return null;
        }

        // k.Transpose(-1, -2) is read as k's layout; another transpose is a permuted copy, as outside a product.
        bool lastTwoSwapped = false;
        if (transposeCall is not null)
        {
            if (TransposedOperand(b.Value, transposeCall) is not { } transposed)
            {
                return null;
            }

            lastTwoSwapped = transposed.Layout;
            b = transposed.Node;
        }

        // Rank 3 or more: PyTorch's batched product (GraphBuilder.BatchedMatMul); .T is for matrices only.
        if (IsBatchedOperand(ShapeOf(a.Value)) || IsBatchedOperand(ShapeOf(b.Value)))
        {
            if (transposeB && ShapeOf(b.Value).Rank != 2)
            {
                Report(call, $".T transposes a matrix, but {ShapeOf(b.Value)} has rank {ShapeOf(b.Value).Rank}: swap its last two axes with Transpose(-1, -2)");
                return null;
            }

            bool open = _unifier is not null && (ShapeUnifier.OpenAt(ShapeOf(a.Value)) >= 0 || ShapeUnifier.OpenAt(ShapeOf(b.Value)) >= 0);
            return open ? null : BatchedMatMul(call, a.Value, b.Value, transposeB || lastTwoSwapped);
        }

        transposeB |= lastTwoSwapped;

        // While inferring, an operand of unknown rank is a matrix: [*, k] for a batched input.
        var aShape = WithRank(ShapeOf(a.Value), 2) ?? ShapeOf(a.Value);
        var bShape = WithRank(ShapeOf(b.Value), 2) ?? ShapeOf(b.Value);
        if (aShape.Rank is < 1 or > 2 || bShape.Rank is < 1 or > 2 || (transposeB && bShape.Rank != 2))
        {
            Report(call, $"MatMul needs matrices or vectors, but got {aShape} and {(transposeB ? "the transpose of " : string.Empty)}{bShape}" + DeclareForBatchedProduct(lastTwoSwapped));
            return null;
        }

        // Vectors are matrices with one row (left) or one column (right), reshaped back afterwards.
        int aMatrix = aShape.Rank == 1 ? Reshape(a.Value, Shape.Of(Dim.One, aShape[0])) : a.Value;
        int bMatrix = bShape.Rank == 1 ? Reshape(b.Value, Shape.Of(bShape[0], Dim.One)) : b.Value;
        var am = ShapeOf(aMatrix);
        var bm = ShapeOf(bMatrix);
        var inner = transposeB ? bm[1] : bm[0];
        var columns = transposeB ? bm[0] : bm[1];
        if (!SameSize(am[1], inner))
        {
            Report(call, $"inner dimensions differ: {aShape} × {(transposeB ? "transpose of " : string.Empty)}{bShape} ({am[1]} vs {inner})");
            return null;
        }

        if (columns.Kind == DimKind.Rows)
        {
            Report(call, "the batch dimension cannot become a column of a product" + DeclareForBatchedProduct(lastTwoSwapped));
            return null;
        }

        int product = _graph.Add(new Node(0, Op.MatMul, new[] { aMatrix, bMatrix }, Shape.Of(am[0], columns)) { TransposeB = transposeB, Text = call.Text });
        var resultDims = new List<Dim>();
        if (aShape.Rank == 2)
        {
            resultDims.Add(am[0]);
        }

        if (bShape.Rank == 2)
        {
            resultDims.Add(columns);
        }

        return resultDims.Count == 2 ? product : Reshape(product, new Shape(resultDims));
    }

    /// <summary><c>w.T</c> outside a MatMul: the transpose of a matrix without the batch.</summary>
    private int? TransposeOfMatrix(CallExpr call)
    {
        int? arg = Visit(call.Operands[0]);
        if (arg is null || NotKnownYet(new[] { arg.Value }))
        {
            return null;
        }

        var shape = ShapeOf(arg.Value);
        if (shape.Rank != 2 || shape.HasRows)
        {
            _diagnostics.Add(Diagnostics.DiagnosticInfo.Create(
                Diagnostics.DiagnosticDescriptors.UnsupportedExpression,
                call.Location,
                call.Text,
                _layer.ClassName,
                $".T transposes a matrix such as a parameter; {shape} {(shape.HasRows ? "holds the batch, whose axis must stay first (use Transpose(1, 2) on [*, m, n])" : "is not a matrix")}"));
            return null;
        }

        return _graph.Add(new Node(0, Op.Permute, new[] { arg.Value }, Shape.Of(shape[1], shape[0])) { Ints = new[] { 1, 0 }.ToEquatableArray(), Text = call.Text });
    }

    /// <summary><c>Ops.Pick(x, indices)</c>: x [..., C], indices [...] → [...], the element at each index.</summary>
    private int? Pick(CallExpr call)
    {
        if (call.Operands.Count != 2)
        {
            Report(call, "Pick takes a tensor and the indices to pick along its last axis");
            return null;
        }

        int? x = Visit(call.Operands[0]);
        int? indices = x is null ? null : Visit(call.Operands[1]);
        if (indices is null)
        {
            return null;
        }

        var shape = _unifier?.OpenSuffix(ShapeOf(x!.Value), 1) ?? ShapeOf(x!.Value);
        var expected = new Shape(shape.Dims.Take(shape.Rank - 1).ToArray());
        var given = ShapeOf(indices.Value);
        bool fits = IsTargetIndices(indices.Value)
            || (given.Rank == expected.Rank && given.Dims.Zip(expected.Dims, SameSize).All(same => same));
        if (shape.Rank < 1 || !fits)
        {
            Report(call, $"Pick needs one index per row of {shape}, shape {expected}, but the indices have shape {given}");
            return null;
        }

        return _graph.Add(new Node(0, Op.Pick, new[] { x.Value, indices.Value }, expected) { Text = call.Text });
    }

    private int? FftHalf(CallExpr call)
    {
        int? arg = Visit(call.Operands[0]);
        if (arg is { } transformed)
        {
            OpenForAxis(transformed, -1); // while inferring: the last axis it transforms is a feature of the input's
        }

        if (arg is null || NotKnownYet(new[] { arg.Value }))
        {
            return null;
        }

        var shape = ShapeOf(arg.Value);
        if (shape.Rank < 2 || !shape.HasRows || shape.Last.Kind == DimKind.Rows)
        {
            Report(call, $"FftHalf transforms the last axis of a batched tensor, e.g. [*, n], but got {shape}");
            return null;
        }

        var n = shape.Last;
        var half = n.DividedBy(2);
        var dims = shape.Dims.Take(shape.Rank - 1).Concat(new[] { half, Dim.Const(2) }).ToArray();
        return _graph.Add(new Node(0, Op.FftHalf, new[] { arg.Value }, new Shape(dims)) { Text = call.Text });
    }
}
