using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Autodiff;

/// <summary>
/// The vector-Jacobian product of every kind of node: an element-wise node's is its row's
/// (<see cref="Elementwise.Gradient"/>, in the op table), a structural op's is here. Given a forward node and the
/// gradient flowing into its output (<see cref="VjpContext.G"/>), each rule adds backward nodes and hands each
/// argument its contribution; the caller sums them. Every kind is listed: a kind without a rule throws rather
/// than leave a silent zero gradient.
/// </summary>
internal static class VjpRules
{
    /// <summary>The rule for <paramref name="node"/>; throws for a kind no rule covers.</summary>
    public static Vjp For(Node node) => node.Op switch
    {
        Op.Elementwise => node.Function?.Gradient ?? throw new System.InvalidOperationException($"{node} is element-wise but has no function"),
        Op.ReduceSum => d => d.Gradient(0, d.Expand(d.G, d.X)),
        Op.Reshape => d => d.Gradient(0, d.ReshapeLike(d.G, d.X)),
        Op.MatMul => MatMul,
        Op.Permute => d => d.Gradient(0, d.Permute(d.G, Inverse(d.Node.Ints), d.X)),
        Op.Slice => d => d.Gradient(0, d.SliceGrad(d.G, d.Node.Ints[0], d.Node.Start, d.X)),
        Op.Concat => Concat,
        Op.MaxAxis or Op.MinAxis => d => d.Gradient(0, d.ExtremeGrad(d.X, d.Y, d.G, d.Node.Ints[0])),
        Op.Einsum => Einsum,
        Op.Pick => d => d.Gradient(0, d.Structural(Op.PickGrad, d.X, d.G, d.Arg(1))),
        Op.FftHalf => d => d.Gradient(0, d.Structural(Op.FftHalfAdjoint, d.X, d.G)),
        Op.ChildCall => ChildCall,
        Op.GatherRows => d => d.Gradient(0, d.ScatterAddRows(d.G, d.Arg(1), d.X, d.Node)),
        Op.GatherAxis => d => d.Gradient(0, d.ScatterAddAxis(d.G, d.Arg(1), d.X, d.Node)),

        // Leaves, dropout masks, and the adjoints themselves: nothing flows further.
        Op.Input or Op.Target or Op.Parameter or Op.OutputGrad or Op.Constant or Op.InverseCount => Elementwise.NoGradient,
        Op.DropoutMask or Op.SliceGrad or Op.ExtremeGrad or Op.PickGrad or Op.FftHalfAdjoint or Op.ChildGrad or Op.ScatterAddRows => Elementwise.NoGradient,
        Op.ScatterAddAxis => Elementwise.NoGradient,

        // A child's further result: its gradient goes to the child's backward with the call's (ReverseMode), not through this node.
        Op.ChildResult => Elementwise.NoGradient,
        _ => throw new System.InvalidOperationException($"no vector-Jacobian product for {node.Op}"),
    };

    /// <summary>
    /// Whether the rule for <paramref name="node"/> owes argument <paramref name="argument"/> a contribution when
    /// that argument depends on the input or a parameter: every argument of a differentiable op except those its
    /// gradient never reaches by design (Where's mask, Pick's indices).
    /// </summary>
    public static bool OwesGradient(Node node, int argument) => node.Op switch
    {
        Op.Elementwise => node.Function!.IsDifferentiable && !node.Function.NoGradientTo.Contains(argument),
        Op.Pick or Op.GatherRows or Op.GatherAxis => argument == 0,
        _ => For(node) != (Vjp)Elementwise.NoGradient,
    };

    /// <summary>Y = op(A)·op(B):  d op(A) = dY·op(B)ᵀ,  d op(B) = op(A)ᵀ·dY, transposed back when A or B was.</summary>
    private static void MatMul(VjpContext d)
    {
        bool ta = d.Node.TransposeA, tb = d.Node.TransposeB;
        d.Gradient(0, ta
            ? d.MatMul(d.Arg(1), d.G, tb, true, d.Arg(0))
            : d.MatMul(d.G, d.Arg(1), false, !tb, d.Arg(0)));
        d.Gradient(1, tb
            ? d.MatMul(d.G, d.Arg(0), true, ta, d.Arg(1))
            : d.MatMul(d.Arg(0), d.G, !ta, false, d.Arg(1)));
    }

    /// <summary>Each operand gets its block of the gradient.</summary>
    private static void Concat(VjpContext d)
    {
        int axis = d.Node.Ints[0];
        var offset = Dim.Const(0);
        for (int i = 0; i < d.Node.Args.Count; i++)
        {
            d.Gradient(i, d.Slice(d.G, axis, offset, d.Arg(i)));
            offset = Dim.Of(offset.AsSize + d.ShapeOf(d.Arg(i))[axis].AsSize);
        }
    }

    /// <summary>Each operand's gradient is an einsum of the output gradient with the other operands.</summary>
    private static void Einsum(VjpContext d)
    {
        var equation = EinsumEquation.Parse(d.Node.Equation, out _)!;
        for (int i = 0; i < d.Node.Args.Count; i++)
        {
            var others = Enumerable.Range(0, d.Node.Args.Count).Where(j => j != i).ToList();
            string gradEquation = string.Join(",", others.Select(j => equation.Inputs[j]).Concat(new[] { equation.Output })) + "->" + equation.Inputs[i];
            d.Gradient(i, d.Einsum(gradEquation, others.Select(d.Arg).Concat(new[] { d.G }).ToArray(), d.Arg(i)));
        }
    }

    /// <summary>The child's own backward gives the input's gradient (and accumulates its parameters').</summary>
    /// <remarks>
    /// A child of several inputs: one ChildGrad node per input, made before any is contributed (each contribution may
    /// add a sum node), since one run of the child's backward writes them all (Emit/ChildEmitter).
    /// </remarks>
    private static void ChildCall(VjpContext d)
    {
        if (d.ResultGradients.Count > 0)
        {
            // A child returning a tuple: its backward reads every result's gradient (ReverseMode gathered them).
            var tupleGrads = Enumerable.Range(0, d.Node.Args.Count).Select(d.ChildGradOfTuple).ToList();
            for (int k = 0; k < tupleGrads.Count; k++)
            {
                d.Gradient(k, tupleGrads[k]);
            }

            return;
        }

        if (d.Node.Args.Count == 1)
        {
            d.Gradient(0, d.ChildGrad());
            return;
        }

        var grads = Enumerable.Range(0, d.Node.Args.Count).Select(d.ChildGrad).ToList();
        for (int k = 0; k < grads.Count; k++)
        {
            d.Gradient(k, grads[k]);
        }
    }

    private static int[] Inverse(IReadOnlyList<int> permutation)
    {
        var inverse = new int[permutation.Count];
        for (int i = 0; i < permutation.Count; i++)
        {
            inverse[permutation[i]] = i;
        }

        return inverse;
    }
}
