using System.Collections.Generic;
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
                // relu(a) > 0 exactly where a > 0, so the saved output is enough.
                yield return (0, b.Mul(g, b.Unary(Op.Step, output)));
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
            case Op.ChildCall:
                // The child's own backward gives the input's gradient (and accumulates its parameters').
                int childGrad = graph.Add(new Node(0, Op.ChildGrad, new[] { Arg(0), output, g }, graph[Arg(0)].Shape) { Name = node.Name, ChildInput = node.ChildInput });
                graph.BackwardRoots.Add(childGrad);
                yield return (0, childGrad);
                break;
            case Op.ChildGrad:
            case Op.Step:
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
