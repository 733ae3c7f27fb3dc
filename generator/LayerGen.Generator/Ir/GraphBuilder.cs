using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Ir;

/// <summary>
/// Builds the forward op graph of a layer from its <see cref="ForwardModel"/>, inferring every
/// node's symbolic shape. Shape errors become diagnostics on the expression that caused them.
/// </summary>
internal sealed partial class GraphBuilder
{
    private readonly LayerModel _layer;
    private readonly System.Func<string, string> _sizeName;
    private readonly System.Func<ChildModel, LayerSignature?> _signatureOf;
    private readonly Graph _graph = new();
    private readonly Dictionary<string, int> _names = new();
    private readonly List<DiagnosticInfo> _diagnostics;

    private GraphBuilder(LayerModel layer, System.Func<string, string> sizeName, System.Func<ChildModel, LayerSignature?> signatureOf, List<DiagnosticInfo> diagnostics)
    {
        _layer = layer;
        _signatureOf = signatureOf;
        _sizeName = sizeName;
        _diagnostics = diagnostics;
    }

    /// <param name="layer">The layer.</param>
    /// <param name="sizeName">Maps a size parameter to its C# name in the kernels.</param>
    /// <param name="signatureOf">The signature of a child layer's type, when known.</param>
    /// <param name="diagnostics">Where shape errors go.</param>
    public static Graph? Build(LayerModel layer, System.Func<string, string> sizeName, System.Func<ChildModel, LayerSignature?> signatureOf, List<DiagnosticInfo> diagnostics)
    {
        var builder = new GraphBuilder(layer, sizeName, signatureOf, diagnostics);
        return builder.BuildGraph();
    }

    private Graph? BuildGraph()
    {
        var forward = _layer.Forward;
        foreach (var parameter in _layer.Parameters)
        {
            var shape = new Shape(parameter.Shape.Select(s => s.Symbol is null ? Dim.Const(s.Value) : Dim.Sym(_sizeName(s.Symbol))).ToArray());
            int id = _graph.Add(new Node(0, Op.Parameter, System.Array.Empty<int>(), shape) { Name = parameter.Name, Text = parameter.Name });
            _graph.Parameters.Add(new KeyValuePair<string, int>(parameter.Name, id));
            _names[parameter.Name] = id;
        }

        var inputShape = new List<Dim> { Dim.Rows };
        inputShape.AddRange(InputShapeInference.InferFeatures(_layer, _sizeName, name => ChildShapes(name)?.Input));
        _graph.Input = _graph.Add(new Node(0, Op.Input, System.Array.Empty<int>(), new Shape(inputShape)) { Name = forward.InputName, Text = forward.InputName });
        _names[forward.InputName] = _graph.Input;
        if (forward.TargetName is string target)
        {
            // Class indices (the second operand of Pick) have one value per row; values have the input's shape.
            var input = _graph[_graph.Input].Shape;
            bool indices = InputShapeInference.TargetHoldsIndices(_layer);
            if (indices && input.Rank < 2)
            {
                Report(forward.Result, $"class indices pick along the input's last axis, so the input needs one: declare it, e.g. [Loss(Input = \"[*, classes]\")]");
                return null;
            }

            var targetShape = indices ? new Shape(input.Dims.Take(input.Rank - 1).ToArray()) : input;
            _graph.Target = _graph.Add(new Node(0, Op.Target, System.Array.Empty<int>(), targetShape) { Name = target, Text = target });
            _names[target] = _graph.Target;
        }

        foreach (var local in forward.Locals)
        {
            int? value = Visit(local.Value);
            if (value is null)
            {
                return null;
            }

            _names[local.Name] = value.Value;
        }

        int? output = Visit(forward.Result);
        if (output is null)
        {
            return null;
        }

        if (_layer.IsLoss)
        {
            if (!_graph[output.Value].Shape.IsSingleValue)
            {
                Report(forward.Result, $"a loss returns a scalar, but this has shape {_graph[output.Value].Shape}; reduce it, e.g. with .Mean()");
                return null;
            }
        }
        else if (!_graph[output.Value].Shape.HasRows)
        {
            Report(forward.Result, $"the result has shape {_graph[output.Value].Shape}, without the batch dimension; a layer must return one row per input row");
            return null;
        }

        _graph.Output = output.Value;
        return _graph;
    }

    private int? Visit(Expr expr)
    {
        switch (expr)
        {
            case NameExpr name:
                return _names.TryGetValue(name.Name, out int id) ? id : null;
            case NumberExpr number:
                return _graph.Add(new Node(0, Op.Constant, System.Array.Empty<int>(), Shape.Scalar) { Value = number.Value, Text = number.Text });
            case NegateExpr negate:
                return Unary(Op.Neg, negate.Operand, expr);
            case BinaryExpr binary:
                return Binary(binary);
            case CallExpr call:
                return Call(call);
            default:
                return null;
        }
    }

    /// <summary>Every operand of a call, or null when one of them could not be built (already reported).</summary>
    private List<int>? VisitAll(CallExpr call)
    {
        var args = new List<int>();
        foreach (var operand in call.Operands)
        {
            if (Visit(operand) is not int id)
            {
                return null;
            }

            args.Add(id);
        }

        return args;
    }

    private int? Unary(Op op, Expr operand, Expr expr)
    {
        int? arg = Visit(operand);
        return arg is null ? null : _graph.Add(new Node(0, op, new[] { arg.Value }, _graph[arg.Value].Shape) { Text = expr.Text });
    }

    private int? Binary(BinaryExpr binary)
    {
        int? left = Visit(binary.Left);
        int? right = left is null ? null : Visit(binary.Right);
        if (right is null)
        {
            return null;
        }

        var shape = ShapeRules.Broadcast(_graph[left!.Value].Shape, _graph[right.Value].Shape, out string? error);
        if (shape is null)
        {
            Report(binary, error!);
            return null;
        }

        var op = binary.Operator switch
        {
            '+' => Op.Add,
            '-' => Op.Sub,
            '*' => Op.Mul,
            '>' => Op.Greater,
            '<' => Op.Less,
            'G' => Op.GreaterEqual,
            'L' => Op.LessEqual,
            _ => Op.Div,
        };
        return _graph.Add(new Node(0, op, new[] { left.Value, right.Value }, shape) { Text = binary.Text });
    }

    private int? Call(CallExpr call)
    {
        int needed = MinimumOperands(call.Op);
        if (call.Operands.Count < needed)
        {
            _diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedExpression,
                call.Location,
                call.Text,
                _layer.ClassName,
                $"'{call.Op}' needs {needed} tensor argument(s) but has {call.Operands.Count}"));
            return null;
        }

        switch (call.Op)
        {
            case "Relu":
                return Unary(Op.Relu, call.Operands[0], call);
            case "Tanh":
                return Unary(Op.Tanh, call.Operands[0], call);
            case "Sigmoid":
                return Unary(Op.Sigmoid, call.Operands[0], call);
            case "Exp":
                return Unary(Op.Exp, call.Operands[0], call);
            case "Log":
                return Unary(Op.Log, call.Operands[0], call);
            case "MatMul":
                return MatMul(call);
            case "Sum":
            case "Mean":
                return Reduce(call);
            case "Sqrt" or "Abs" or "Square" or "Pow" or "Clamp" or "Gelu" or "Erf" or "Maximum" or "Minimum" or "Where"
                or "Gt" or "Lt" or "Ge" or "Le" or "Eq" or "Dropout":
                return Elementwise(call);
            case "Max" or "Min" or "Softmax" or "LogSoftmax":
                return AxisOp(call);
            case "Reshape" or "View" or "Transpose" or "Permute" or "Narrow" or "Slice" or "Concat" or "Stack":
                return Structural(call);
            case "Einsum":
                return Einsum(call);
            case "Pick":
                return Pick(call);
            case "FftHalf":
                return FftHalf(call);
            case var child when child.StartsWith("Child:", System.StringComparison.Ordinal):
                return Child(call, child.Substring("Child:".Length));
            case "T":
                return TransposeOfMatrix(call);
            default:
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedExpression, call.Location, call.Text, _layer.ClassName, $"'{call.Op}' is not supported here"));
                return null;
        }
    }

    private int? MatMul(CallExpr call)
    {
        int? a = Visit(call.Operands[0]);
        if (a is null)
        {
            return null;
        }

        bool transposeB = call.Operands[1] is CallExpr { Op: "T" };
        var bExpr = transposeB ? ((CallExpr)call.Operands[1]).Operands[0] : call.Operands[1];
        int? b = Visit(bExpr);
        if (b is null)
        {
            return null;
        }

        var aShape = _graph[a.Value].Shape;
        var bShape = _graph[b.Value].Shape;
        if (aShape.Rank is < 1 or > 2 || bShape.Rank is < 1 or > 2 || (transposeB && bShape.Rank != 2))
        {
            Report(call, $"MatMul needs matrices or vectors, but got {aShape} and {(transposeB ? "the transpose of " : string.Empty)}{bShape}");
            return null;
        }

        // Vectors are matrices with one row (left) or one column (right), reshaped back afterwards.
        int aMatrix = aShape.Rank == 1 ? Reshape(a.Value, Shape.Of(Dim.One, aShape[0])) : a.Value;
        int bMatrix = bShape.Rank == 1 ? Reshape(b.Value, Shape.Of(bShape[0], Dim.One)) : b.Value;
        var am = _graph[aMatrix].Shape;
        var bm = _graph[bMatrix].Shape;
        var inner = transposeB ? bm[1] : bm[0];
        var columns = transposeB ? bm[0] : bm[1];
        if (!am[1].Equals(inner))
        {
            Report(call, $"inner dimensions differ: {aShape} × {(transposeB ? "transpose of " : string.Empty)}{bShape} ({am[1]} vs {inner})");
            return null;
        }

        if (columns.Kind == DimKind.Rows)
        {
            Report(call, "the batch dimension cannot become a column of a product");
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

    private int? Reduce(CallExpr call)
    {
        int? arg = Visit(call.Operands[0]);
        if (arg is null)
        {
            return null;
        }

        var shape = _graph[arg.Value].Shape;
        bool mean = call.Op == "Mean";
        if (call.Constants.Count == 0)
        {
            int total = _graph.Add(Op.ReduceSum, Shape.Scalar, arg.Value);
            return mean ? Scale(total, shape, call) : total;
        }

        int axis = call.Constants[0];
        NoteAxis(axis, shape);
        bool keepDim = call.Constants.Count > 1 && call.Constants[1] != 0;
        if (axis < 0)
        {
            axis += shape.Rank;
            if (axis == 0 && shape.HasRows)
            {
                ReportUnknownFeatures(call, call.Constants[0], shape);
                return null;
            }
        }

        if (axis < 0 || axis >= shape.Rank)
        {
            Report(call, $"axis {call.Constants[0]} is out of range for a tensor of shape {shape}");
            return null;
        }

        int summed = _graph.Add(Op.ReduceSum, ShapeRules.Reduced(shape, axis, keepDim: true), arg.Value);
        if (mean)
        {
            summed = Scale(summed, Shape.Of(shape[axis]), call);
        }

        return keepDim ? summed : Reshape(summed, ShapeRules.Reduced(shape, axis, keepDim: false));
    }

    /// <summary>
    /// The child's input and output features in this layer's terms: its signature with its size
    /// parameters replaced by the arguments it is constructed with.
    /// </summary>
    private (IReadOnlyList<Dim> Input, IReadOnlyList<Dim> Output)? ChildShapes(string name)
    {
        var child = _layer.Children.FirstOrDefault(c => c.Name == name);
        var signature = child is null ? null : _signatureOf(child);
        if (child is null || signature is null || child.Arguments is not { } arguments || arguments.Count != signature.Sizes.Count)
        {
            return null;
        }

        Dim Resolve(SizeRef size)
        {
            if (size.Symbol is null)
            {
                return Dim.Const(size.Value);
            }

            var argument = arguments[signature.Sizes.ToList().IndexOf(size.Symbol)];
            return argument.Symbol is null ? Dim.Const(argument.Value) : Dim.Sym(_sizeName(argument.Symbol));
        }

        return (signature.InputFeatures.Select(Resolve).ToArray(), signature.OutputFeatures.Select(Resolve).ToArray());
    }

    private int? Child(CallExpr call, string name)
    {
        int? arg = Visit(call.Operands[0]);
        if (arg is null)
        {
            return null;
        }

        var shapes = ChildShapes(name);
        var child = _layer.Children.First(c => c.Name == name);
        if (shapes is not { } known)
        {
            Report(call, $"the shapes of child layer '{name}' ({child.TypeFullName}) are unknown; initialise it with 'new {child.TypeFullName}(...)' whose sizes are constants or this layer's sizes");
            return null;
        }

        var shape = _graph[arg.Value].Shape;
        int leading = shape.Rank - known.Input.Count;
        bool fits = leading >= 1 && shape.HasRows && shape.Dims.Skip(leading).SequenceEqual(known.Input);
        if (!fits)
        {
            Report(call, $"'{name}' expects an input of shape {new Shape(new[] { Dim.Rows }.Concat(known.Input).ToArray())} but gets {shape}");
            return null;
        }

        var output = new Shape(shape.Dims.Take(leading).Concat(known.Output).ToArray());
        return _graph.Add(new Node(0, Op.ChildCall, new[] { arg.Value }, output) { Name = name, ChildInput = new Shape(known.Input), Text = call.Text });
    }

    /// <summary>How many tensor operands an op needs (the receiver of a method counts).</summary>
    private static int MinimumOperands(string op) => op switch
    {
        "MatMul" or "Maximum" or "Minimum" or "Pick" => 2,
        "Where" => 3,
        _ => 1,
    };

    /// <summary><c>w.T</c> outside a MatMul: the transpose of a matrix without the batch.</summary>
    private int? TransposeOfMatrix(CallExpr call)
    {
        int? arg = Visit(call.Operands[0]);
        if (arg is null)
        {
            return null;
        }

        var shape = _graph[arg.Value].Shape;
        if (shape.Rank != 2 || shape.HasRows)
        {
            _diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedExpression,
                call.Location,
                call.Text,
                _layer.ClassName,
                $".T transposes a matrix such as a parameter; {shape} {(shape.HasRows ? "holds the batch, whose axis must stay first (use Transpose(1, 2) on [*, m, n])" : "is not a matrix")}"));
            return null;
        }

        return _graph.Add(new Node(0, Op.Permute, new[] { arg.Value }, Shape.Of(shape[1], shape[0])) { Ints = new[] { 1, 0 }, Text = call.Text });
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

        var shape = _graph[x!.Value].Shape;
        var expected = new Shape(shape.Dims.Take(shape.Rank - 1).ToArray());
        if (shape.Rank < 1 || !_graph[indices.Value].Shape.Equals(expected))
        {
            Report(call, $"Pick needs one index per row of {shape}, shape {expected}, but the indices have shape {_graph[indices.Value].Shape}");
            return null;
        }

        return _graph.Add(new Node(0, Op.Pick, new[] { x.Value, indices.Value }, expected) { Text = call.Text });
    }

    /// <summary>Mean = sum × (1 / count): sugar lowered to primitives.</summary>
    private int Scale(int sum, Shape countOf, CallExpr call)
    {
        int inverse = _graph.Add(new Node(0, Op.InverseCount, System.Array.Empty<int>(), Shape.Scalar) { CountOf = countOf });
        return _graph.Add(new Node(0, Op.Mul, new[] { sum, inverse }, _graph[sum].Shape) { Text = call.Text });
    }

    private int Reshape(int arg, Shape shape) => _graph.Add(Op.Reshape, shape, arg);

    private void Report(Expr expr, string message, LocationInfo? location = null) =>
        _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeMismatch, location ?? expr.Location, expr.Text, message));
}
