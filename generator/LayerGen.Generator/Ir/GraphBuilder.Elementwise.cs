using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Ir;

/// <summary>The element-wise ops past the arithmetic ones (roots, powers, clamps, comparisons, Erf), and the sugar (Square, Gelu, Dropout) that lowers to primitives.</summary>
internal sealed partial class GraphBuilder
{
    private int? Elementwise(CallExpr call)
    {
        if (VisitAll(call) is not { } args)
        {
            return null;
        }

        int x = args[0];
        var shape = _graph[x].Shape;
        double Number(int i) => i < call.Numbers.Count ? call.Numbers[i] : double.NaN;
        switch (call.Op)
        {
            case "Sqrt":
                return Unary(Op.Sqrt, x, call);
            case "Abs":
                return Unary(Op.Abs, x, call);
            case "Erf":
                return Unary(Op.Erf, x, call);
            case "Square":
                return _graph.Add(new Node(0, Op.Mul, new[] { x, x }, shape) { Text = call.Text });
            case "Pow" when call.Numbers.Count == 1:
                return _graph.Add(new Node(0, Op.Pow, new[] { x }, shape) { Value = Number(0), Text = call.Text });
            case "Clamp" when call.Numbers.Count == 2:
                return _graph.Add(new Node(0, Op.Clamp, new[] { x }, shape) { Value = Number(0), Value2 = Number(1), Text = call.Text });
            case "Gelu":
                return Gelu(x, call);
            case "Dropout" when call.Numbers.Count == 1:
                if (!(Number(0) is >= 0 and < 1)) // NaN is refused too, as torch.nn.functional.dropout refuses it
                {
                    Report(call, $"the dropout probability must be in [0, 1), got {Number(0)}");
                    return null;
                }

                int mask = _graph.Add(new Node(0, Op.DropoutMask, System.Array.Empty<int>(), shape) { Value = Number(0) });
                return _graph.Add(new Node(0, Op.Mul, new[] { x, mask }, shape) { Text = call.Text });
            case "Maximum" or "Minimum" when args.Count == 2:
                return Broadcasting(call.Op == "Maximum" ? Op.Maximum : Op.Minimum, args, call);
            case "Where" when args.Count == 3:
                return Broadcasting(Op.Where, args, call);
            case "Gt" or "Lt" or "Ge" or "Le" or "Eq":
                if (args.Count == 1 && call.Numbers.Count == 1)
                {
                    args.Add(_graph.Constant(Number(0)));
                }

                if (args.Count != 2)
                {
                    break;
                }

                var op = call.Op switch { "Gt" => Op.Greater, "Lt" => Op.Less, "Ge" => Op.GreaterEqual, "Le" => Op.LessEqual, _ => Op.Equal };
                return Broadcasting(op, args, call);
        }

        Report(call, $"'{call.Op}' was called with arguments the generator does not understand");
        return null;
    }

    private int Unary(Op op, int arg, CallExpr call) => _graph.Add(new Node(0, op, new[] { arg }, _graph[arg].Shape) { Text = call.Text });

    private int? Broadcasting(Op op, List<int> args, CallExpr call)
    {
        var shape = _graph[args[0]].Shape;
        foreach (int arg in args.Skip(1))
        {
            shape = ShapeRules.Broadcast(shape, _graph[arg].Shape, out string? error)!;
            if (shape is null)
            {
                Report(call, error!);
                return null;
            }
        }

        return _graph.Add(new Node(0, op, args, shape) { Text = call.Text });
    }

    /// <summary>
    /// GELU as torch's <c>approximate</c> says: "none" (also when the argument is left out) is the exact op
    /// <see cref="Op.Gelu"/>; "tanh" is 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) from primitives, so its
    /// gradient is theirs. Another string is reported on the argument.
    /// </summary>
    private int? Gelu(int x, CallExpr call)
    {
        var shape = _graph[x].Shape;
        int Mul(int a, int b) => _graph.Add(Op.Mul, shape, a, b);
        switch (call.Literal ?? "none")
        {
            case "none":
                return Unary(Op.Gelu, x, call);
            case "tanh":
                int cube = Mul(Mul(x, x), x);
                int inner = _graph.Add(Op.Add, shape, x, Mul(cube, _graph.Constant(0.044715)));
                int tanh = _graph.Add(Op.Tanh, shape, Mul(inner, _graph.Constant(System.Math.Sqrt(2 / System.Math.PI))));
                int onePlusTanh = _graph.Add(Op.Add, shape, tanh, _graph.Constant(1));
                return _graph.Add(new Node(0, Op.Mul, new[] { Mul(x, _graph.Constant(0.5)), onePlusTanh }, shape) { Text = call.Text });
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
}
