using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Autodiff;

/// <summary>
/// The one table of vector-Jacobian products. Given a forward node and the gradient flowing into
/// its output (<c>g</c>), each rule adds backward nodes and returns, per argument, the contribution
/// to that argument's gradient. Contributions are summed by the caller, never assigned, so a value
/// used twice gets both (STYLE.md, rule 9).
/// </summary>
internal static class VjpRules
{
    private static int[] Inverse(IReadOnlyList<int> permutation)
    {
        var inverse = new int[permutation.Count];
        for (int i = 0; i < permutation.Count; i++)
        {
            inverse[permutation[i]] = i;
        }

        return inverse;
    }

    public static IEnumerable<(int Argument, int Gradient)> Apply(Graph graph, Node node, int g)
    {
        var b = new BackwardOps(graph);
        int Arg(int i) => node.Args[i];
        int output = node.Id;

        switch (node.Op)
        {
            case Op.Add:
                yield return (0, b.SumTo(g, Arg(0)));
                yield return (1, b.SumTo(g, Arg(1)));
                break;
            case Op.Sub:
                yield return (0, b.SumTo(g, Arg(0)));
                yield return (1, b.SumTo(b.Neg(g), Arg(1)));
                break;
            case Op.Mul:
                yield return (0, b.SumTo(b.Mul(g, Arg(1)), Arg(0)));
                yield return (1, b.SumTo(b.Mul(g, Arg(0)), Arg(1)));
                break;
            case Op.Div:
                // d(a/b)/da = 1/b; d(a/b)/db = -a/b² = -(a/b)/b, reusing the forward output.
                yield return (0, b.SumTo(b.Div(g, Arg(1)), Arg(0)));
                yield return (1, b.SumTo(b.Neg(b.Div(b.Mul(g, output), Arg(1))), Arg(1)));
                break;
            case Op.Neg:
                yield return (0, b.Neg(g));
                break;
            case Op.Relu:
                // torch's threshold_backward(g, relu(a), 0), a select rather than g times a 0/1 mask: the gradient
                // passes at NaN (relu(NaN) = NaN) and stops where the output is 0, even when g is NaN or ∞.
                yield return (0, b.ReluGrad(g, output));
                break;
            case Op.Tanh:
                yield return (0, b.Mul(g, b.Sub(b.Constant(1), b.Mul(output, output))));
                break;
            case Op.Sigmoid:
                yield return (0, b.Mul(g, b.Mul(output, b.Sub(b.Constant(1), output))));
                break;
            case Op.Exp:
                yield return (0, b.Mul(g, output));
                break;
            case Op.Log:
                yield return (0, b.Div(g, Arg(0)));
                break;
            case Op.Erf:
                // erf'(x) = 2/√π·e^(−x²)
                yield return (0, b.Mul(g, b.Mul(b.Constant(2 / System.Math.Sqrt(System.Math.PI)), b.Unary(Op.Exp, b.Neg(b.Mul(Arg(0), Arg(0)))))));
                break;
            case Op.Gelu:
                // Φ(x) + x·φ(x), Φ(x) = 0.5·(1 + erf(x/√2)), φ(x) = e^(−x²/2)/√(2π), as torch's GeluBackward: x·φ(x)
                // is 0 where φ underflows (product-rule terms through the forward's factors would meet g·x = ∞ there).
                int cdf = b.Mul(b.Constant(0.5), b.Add(b.Constant(1), b.Unary(Op.Erf, b.Mul(Arg(0), b.Constant(1 / System.Math.Sqrt(2))))));
                int pdf = b.Mul(b.Unary(Op.Exp, b.Mul(b.Mul(Arg(0), Arg(0)), b.Constant(-0.5))), b.Constant(1 / System.Math.Sqrt(2 * System.Math.PI)));
                yield return (0, b.Mul(g, b.Add(cdf, b.Mul(Arg(0), pdf))));
                break;
            case Op.Expand:
                yield return (0, b.SumTo(g, Arg(0)));
                break;
            case Op.ReduceSum:
                yield return (0, b.Expand(g, Arg(0)));
                break;
            case Op.Reshape:
                yield return (0, b.ReshapeLike(g, Arg(0)));
                break;
            case Op.MatMul:
                // Y = op(A)·op(B):  d op(A) = dY·op(B)ᵀ,  d op(B) = op(A)ᵀ·dY, transposed back when A or B was.
                bool ta = node.TransposeA, tb = node.TransposeB;
                yield return (0, ta
                    ? b.MatMul(Arg(1), g, tb, true, Arg(0))
                    : b.MatMul(g, Arg(1), false, !tb, Arg(0)));
                yield return (1, tb
                    ? b.MatMul(g, Arg(0), true, ta, Arg(1))
                    : b.MatMul(Arg(0), g, !ta, false, Arg(1)));
                break;
            case Op.Sqrt:
                yield return (0, b.Div(b.Mul(g, b.Constant(0.5)), output));
                break;
            case Op.Abs:
                yield return (0, b.Mul(g, b.Unary(Op.Sign, Arg(0))));
                break;
            case Op.Pow:
                // d x^p = p·x^(p−1)
                yield return (0, b.Mul(g, b.Mul(b.Constant(node.Value), b.Pow(Arg(0), node.Value - 1))));
                break;
            case Op.Clamp:
                // torch's clamp_backward selects: g where min ≤ x ≤ max, else 0 even when g is NaN or ∞ (and at a NaN x).
                yield return (0, b.Where(b.InRange(Arg(0), node.Value, node.Value2), g, b.Constant(0)));
                break;
            case Op.Maximum:
            case Op.Minimum:
                // As torch: where(a == b, g/2, g), set to 0 (a select) where the operand loses. A comparison with NaN
                // is neither a tie nor a loss, so with a NaN operand both get the whole g (and the output is NaN).
                var (loseA, loseB) = node.Op == Op.Maximum ? (Op.Less, Op.Greater) : (Op.Greater, Op.Less);
                int share = b.Where(b.Compare(Op.Equal, Arg(0), Arg(1)), b.Mul(g, b.Constant(0.5)), g);
                yield return (0, b.SumTo(b.Where(b.Compare(loseA, Arg(0), Arg(1)), b.Constant(0), share), Arg(0)));
                yield return (1, b.SumTo(b.Where(b.Compare(loseB, Arg(0), Arg(1)), b.Constant(0), share), Arg(1)));
                break;
            case Op.Where:
                yield return (1, b.SumTo(b.Where(Arg(0), g, b.Constant(0)), Arg(1)));
                yield return (2, b.SumTo(b.Where(Arg(0), b.Constant(0), g), Arg(2)));
                break;
            case Op.Permute:
                yield return (0, b.Permute(g, Inverse(node.Ints), Arg(0)));
                break;
            case Op.Slice:
                yield return (0, b.SliceGrad(g, node.Ints[0], node.Ints[1], Arg(0)));
                break;
            case Op.Concat:
                int offset = 0;
                for (int i = 0; i < node.Args.Count; i++)
                {
                    int length = graph[Arg(i)].Shape[node.Ints[0]].Value;
                    yield return (i, b.Slice(g, node.Ints[0], offset, length, Arg(i)));
                    offset += length;
                }

                break;
            case Op.MaxAxis:
            case Op.MinAxis:
                yield return (0, b.ExtremeGrad(Arg(0), output, g, node.Ints[0]));
                break;
            case Op.Einsum:
                // Each operand's gradient is an einsum of the output gradient with the other operands.
                var equation = EinsumEquation.Parse(node.Equation, out _)!;
                for (int i = 0; i < node.Args.Count; i++)
                {
                    var others = Enumerable.Range(0, node.Args.Count).Where(j => j != i).ToList();
                    string gradEquation = string.Join(",", others.Select(j => equation.Inputs[j]).Concat(new[] { equation.Output })) + "->" + equation.Inputs[i];
                    yield return (i, b.Einsum(gradEquation, others.Select(Arg).Concat(new[] { g }).ToArray(), Arg(i)));
                }

                break;
            case Op.Pick:
                yield return (0, b.Structural(Op.PickGrad, Arg(0), g, Arg(1)));
                break;
            case Op.FftHalf:
                yield return (0, b.Structural(Op.FftHalfAdjoint, Arg(0), g));
                break;
            case Op.ChildCall:
                // The child's own backward gives the input's gradient (and accumulates its parameters').
                int childGrad = graph.Add(new Node(0, Op.ChildGrad, new[] { Arg(0), output, g }, graph[Arg(0)].Shape) { Name = node.Name, ChildInput = node.ChildInput });
                graph.BackwardRoots.Add(childGrad);
                yield return (0, childGrad);
                break;
            case Op.ChildGrad:
            case Op.Sign:
            case Op.InRange:
            case Op.Greater:
            case Op.Less:
            case Op.GreaterEqual:
            case Op.LessEqual:
            case Op.Equal:
            case Op.Detach:
            case Op.DropoutMask:
            case Op.SliceGrad:
            case Op.ExtremeGrad:
            case Op.FftHalfAdjoint:
            case Op.PickGrad:
            case Op.Target:
            case Op.ReluGrad:
            case Op.Constant:
            case Op.InverseCount:
            case Op.Input:
            case Op.Parameter:
            case Op.OutputGrad:
                // Piecewise constant or a leaf: nothing flows further.
                break;
        }
    }
}
