using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// Element-wise functions (one node of their row), and the sugar lowered to primitives: Square, Gelu's tanh form,
/// Dropout, Sum/Mean, Softmax/LogSoftmax and LogSumExp; Max/Min along an axis.
/// </summary>
internal sealed partial class GraphBuilder
{
    /// <summary>One node of the op's element-wise function, its operands broadcast together and its attributes the call's constants.</summary>
    private int? Function(CallExpr call)
    {
        if (VisitAll(call) is not { } args)
        {
            return null;
        }

        var function = call.Op.Function!;
        if (args.Count != function.Arity || call.Numbers.Count != function.AttributeNames.Count)
        {
            Report(call, $"'{call.Op.Name}' was called with arguments the generator does not understand");
            return null;
        }

        var attributes = call.Numbers.Select(InKernelNames).ToList();
        if (function == Elementwise.Pow && attributes[0].IsSymbolic)
        {
            // x.Pow(p) with p known only at run time: the tensor-exponent power of a scalar, whose gradient to x is
            // torch's pow_backward as for a constant p (0 where p = 0); p itself gets none, being a constant.
            function = Elementwise.PowTensor;
            args.Add(_graph.Constant(attributes[0]));
            attributes.Clear();
        }

        var shape = ShapeOf(args[0]);
        foreach (int arg in args.Skip(1))
        {
            if (Broadcast(shape, ShapeOf(arg), out string? error) is not { } broadcast)
            {
                Report(call, error!);
                return null;
            }

            shape = broadcast;
        }

        return _graph.Add(new Node(0, Op.Elementwise, args, shape)
        {
            Function = function,
            Attributes = attributes.ToEquatableArray(),
            Text = call.Text,
        });
    }

    /// <summary><c>x.Square()</c> is <c>x * x</c>.</summary>
    private int? Square(CallExpr call)
    {
        if (Visit(call.Operands[0]) is not int x)
        {
            return null;
        }

        return _graph.Add(new Node(0, Op.Elementwise, new[] { x, x }, ShapeOf(x)) { Function = Elementwise.Mul, Text = call.Text });
    }

    /// <summary><c>Ops.Dropout(x, p)</c>: x times a mask drawn in the forward kernel.</summary>
    private int? Dropout(CallExpr call)
    {
        if (Visit(call.Operands[0]) is not int x)
        {
            return null;
        }

        if (call.Numbers.Count != 1)
        {
            Report(call, $"'{call.Op.Name}' was called with arguments the generator does not understand");
            return null;
        }

        // A probability from the constructor's parameters is checked by the kernel, when it is known.
        var p = InKernelNames(call.Numbers[0]);
        if (!p.IsSymbolic && !(p.Value is >= 0 and < 1)) // NaN is refused too, as torch.nn.functional.dropout refuses it
        {
            Report(call, $"the dropout probability must be in [0, 1), got {p}");
            return null;
        }

        var shape = ShapeOf(x);
        int mask = _graph.Add(new Node(0, Op.DropoutMask, System.Array.Empty<int>(), shape) { Value = p });
        return _graph.Add(new Node(0, Op.Elementwise, new[] { x, mask }, shape) { Function = Elementwise.Mul, Text = call.Text });
    }

    /// <summary>
    /// GELU as torch's <c>approximate</c> says: "none" (the default) is the exact function
    /// <see cref="Elementwise.Gelu"/>; "tanh" is 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) from primitives, so its
    /// gradient is theirs. Another string is reported on the argument.
    /// </summary>
    private int? Gelu(CallExpr call)
    {
        if (Visit(call.Operands[0]) is not int x)
        {
            return null;
        }

        var shape = ShapeOf(x);
        int Mul(int a, int b) => _graph.Add(Elementwise.Mul, shape, a, b);
        switch (call.Literal ?? "none")
        {
            case "none":
                return _graph.Add(new Node(0, Op.Elementwise, new[] { x }, shape) { Function = Elementwise.Gelu, Text = call.Text });
            case "tanh":
                int cube = Mul(Mul(x, x), x);
                int inner = _graph.Add(Elementwise.Add, shape, x, Mul(cube, _graph.Constant(0.044715)));
                int tanh = _graph.Add(Elementwise.Tanh, shape, Mul(inner, _graph.Constant(System.Math.Sqrt(2 / System.Math.PI))));
                int onePlusTanh = _graph.Add(Elementwise.Add, shape, tanh, _graph.Constant(1));
                return _graph.Add(new Node(0, Op.Elementwise, new[] { Mul(x, _graph.Constant(0.5)), onePlusTanh }, shape) { Function = Elementwise.Mul, Text = call.Text });
            default:
                _diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedExpression,
                    call.LiteralLocation ?? call.Location,
                    call.Text,
                    _layer.ClassName,
                    $"Gelu's approximate must be \"none\" (the exact GELU, the default) or \"tanh\", as in torch.nn.functional.gelu, not \"{call.Literal}\""));
                return null;
        }
    }

    /// <summary><c>x.Sum()</c>, <c>x.Mean()</c>, or along an axis (keeping it as 1 with keepDim).</summary>
    private int? Reduce(CallExpr call, bool mean)
    {
        if (Visit(call.Operands[0]) is not int arg)
        {
            return null;
        }

        if (call.Constants.Count == 0)
        {
            int total = _graph.Add(Op.ReduceSum, Shape.Scalar, arg);
            return mean ? Scale(total, ShapeOf(arg), call) : total;
        }

        if (NormaliseAxis(arg, call.Constants[0], call) is not int axis)
        {
            return null;
        }

        var shape = ShapeOf(arg);
        bool keepDim = call.Constants.Count > 1 && call.Constants[1] != 0;
        int summed = _graph.Add(Op.ReduceSum, ShapeRules.Reduced(shape, axis, keepDim: true), arg);
        if (mean)
        {
            summed = Scale(summed, Shape.Of(shape[axis]), call);
        }

        return keepDim ? summed : Reshape(summed, ShapeRules.Reduced(shape, axis, keepDim: false));
    }

    /// <summary><c>x.Max(axis)</c>, <c>x.Min(axis)</c>: the extreme along the axis (kept as 1 with keepDim).</summary>
    private int? Extreme(CallExpr call, Op op)
    {
        if (AxisOperand(call) is not var (arg, axis, shape))
        {
            return null;
        }

        bool keepDim = call.Constants.Count > 1 && call.Constants[1] != 0;
        int extreme = _graph.Add(new Node(0, op, new[] { arg }, ShapeRules.Reduced(shape, axis, keepDim: true)) { Ints = new[] { axis }.ToEquatableArray(), Text = call.Text });
        return keepDim ? extreme : Reshape(extreme, ShapeRules.Reduced(shape, axis, keepDim: false));
    }

    /// <summary>
    /// Stable softmax and log-softmax from primitives: subtract the (gradient-free) max along the axis, exponentiate,
    /// normalise; log-softmax is (x − m) − log Σ e^(x − m), never log(softmax).
    /// </summary>
    private int? Softmax(CallExpr call, bool log)
    {
        if (AxisOperand(call) is not var (arg, axis, shape))
        {
            return null;
        }

        var kept = ShapeRules.Reduced(shape, axis, keepDim: true);
        int max = _graph.Add(new Node(0, Op.MaxAxis, new[] { arg }, kept) { Ints = new[] { axis }.ToEquatableArray() });
        int shifted = _graph.Add(Elementwise.Sub, shape, arg, _graph.Add(Elementwise.Detach, kept, max));
        int exp = _graph.Add(Elementwise.Exp, shape, shifted);
        int sum = _graph.Add(Op.ReduceSum, kept, exp);
        return log
            ? _graph.Add(new Node(0, Op.Elementwise, new[] { shifted, _graph.Add(Elementwise.Log, kept, sum) }, shape) { Function = Elementwise.Sub, Text = call.Text })
            : _graph.Add(new Node(0, Op.Elementwise, new[] { exp, sum }, shape) { Function = Elementwise.Div, Text = call.Text });
    }

    /// <summary>
    /// log Σ e^x along the axis, as torch.logsumexp, from primitives: m + log Σ e^(x − m) with m the max along the
    /// axis (gradient-free), replaced by 0 where it is infinite — so a row of −∞ gives −∞ and a row holding +∞
    /// gives +∞, not NaN, as in torch. The gradient is the primitives': g·e^(x − m)/Σ e^(x − m), the softmax.
    /// </summary>
    private int? LogSumExp(CallExpr call)
    {
        if (AxisOperand(call) is not var (arg, axis, shape))
        {
            return null;
        }

        var kept = ShapeRules.Reduced(shape, axis, keepDim: true);
        int max = _graph.Add(Elementwise.Detach, kept, _graph.Add(new Node(0, Op.MaxAxis, new[] { arg }, kept) { Ints = new[] { axis }.ToEquatableArray() }));
        int infinite = _graph.Add(Elementwise.Equal, kept, _graph.Add(Elementwise.Abs, kept, max), _graph.Constant(double.PositiveInfinity));
        int shift = _graph.Add(Elementwise.Where, kept, infinite, _graph.Constant(0), max);
        int sum = _graph.Add(Op.ReduceSum, kept, _graph.Add(Elementwise.Exp, shape, _graph.Add(Elementwise.Sub, shape, arg, shift)));
        int result = _graph.Add(new Node(0, Op.Elementwise, new[] { _graph.Add(Elementwise.Log, kept, sum), shift }, kept) { Function = Elementwise.Add, Text = call.Text });
        bool keepDim = call.Constants.Count > 1 && call.Constants[1] != 0;
        return keepDim ? result : Reshape(result, ShapeRules.Reduced(shape, axis, keepDim: false));
    }

    /// <summary>The operand of an op along an axis (the first constant), the axis normalised, and its shape.</summary>
    private (int Arg, int Axis, Shape Shape)? AxisOperand(CallExpr call)
    {
        if (Visit(call.Operands[0]) is not int arg)
        {
            return null;
        }

        if (call.Constants.Count < 1)
        {
            Report(call, $"'{call.Op.Name}' needs an axis");
            return null;
        }

        return NormaliseAxis(arg, call.Constants[0], call) is int axis ? (arg, axis, ShapeOf(arg)) : null;
    }
}
