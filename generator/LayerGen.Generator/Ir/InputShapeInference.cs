using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Ir;

/// <summary>
/// Decides the input's feature dimensions (everything after the batch) from how the forward
/// definition uses it. The first use that pins them wins; shape inference then checks every other use.
/// <list type="bullet">
/// <item><c>x.MatMul(w)</c> with <c>w</c> of shape [k, n] pins the features to [k] (the transpose: [n]).</item>
/// <item><c>child.Call(x)</c> pins them to the child layer's input features.</item>
/// <item><c>x op p</c> with a parameter <c>p</c> pins them to <c>p</c>'s shape.</item>
/// <item>Otherwise the layer is shape-agnostic: every element is its own row (<c>x - x.Mean()</c>).</item>
/// </list>
/// "x" here also means anything computed element-wise from x, which has x's shape.
/// </summary>
internal static class InputShapeInference
{
    public static IReadOnlyList<Dim> InferFeatures(LayerModel layer, System.Func<string, string> sizeName, System.Func<string, IReadOnlyList<Dim>?> childInput)
    {
        Dim ToDim(SizeRef size) => size.Symbol is null ? Dim.Const(size.Value) : Dim.Sym(sizeName(size.Symbol));
        if (layer.Input is { } declared)
        {
            return declared.Features.Select(ToDim).ToArray();
        }

        var parameters = layer.Parameters.ToDictionary(p => p.Name, p => p.Shape.Select(ToDim).ToArray());
        var locals = layer.Forward.Locals.ToDictionary(l => l.Name, l => l.Value);
        var found = new List<Dim[]>();

        bool ShapedLikeInput(Expr expr) => expr switch
        {
            NameExpr { Kind: NameKind.Input } => true,
            NameExpr { Kind: NameKind.Local } local => locals.TryGetValue(local.Name, out var value) && ShapedLikeInput(value),
            NegateExpr negate => ShapedLikeInput(negate.Operand),
            BinaryExpr binary => (ShapedLikeInput(binary.Left) && binary.Right is NumberExpr) || (ShapedLikeInput(binary.Right) && binary.Left is NumberExpr)
                || (ShapedLikeInput(binary.Left) && ShapedLikeInput(binary.Right)),
            CallExpr { Op: "Relu" or "Tanh" or "Sigmoid" or "Exp" or "Log" or "Sqrt" or "Abs" or "Square" or "Pow" or "Clamp" or "Gelu" or "Erf" or "Dropout" } call
                => call.Operands.Count > 0 && ShapedLikeInput(call.Operands[0]),
            CallExpr { Op: "Maximum" or "Minimum" } pair => pair.Operands.Any(ShapedLikeInput),
            _ => false,
        };

        Dim[]? ParameterShape(Expr expr) =>
            expr is NameExpr { Kind: NameKind.Parameter } p && parameters.TryGetValue(p.Name, out var shape) ? shape : null;

        void Visit(Expr expr)
        {
            switch (expr)
            {
                case CallExpr { Op: "MatMul", Operands.Count: 2 } call when ShapedLikeInput(call.Operands[0]):
                    var right = call.Operands[1];
                    bool transposed = right is CallExpr { Op: "T" };
                    var shape = transposed && ((CallExpr)right).Operands.Count == 0 ? null : ParameterShape(transposed ? ((CallExpr)right).Operands[0] : right);
                    if (shape is { Length: 2 })
                    {
                        found.Add(new[] { transposed ? shape[1] : shape[0] });
                    }
                    else if (shape is { Length: 1 } && !transposed)
                    {
                        found.Add(new[] { shape[0] });
                    }

                    break;
                case CallExpr { Operands.Count: > 0 } call when call.Op.StartsWith("Child:", System.StringComparison.Ordinal) && ShapedLikeInput(call.Operands[0]):
                    if (childInput(call.Op.Substring("Child:".Length)) is { } features)
                    {
                        found.Add(features.ToArray());
                    }

                    break;
                case CallExpr { Op: "Einsum", Literal: { } text } einsum when EinsumEquation.Parse(text, out _) is { } equation && equation.Inputs.Count == einsum.Operands.Count:
                    // Letters of the input's subscript (after the batch letter) take their sizes from parameter operands.
                    var letters = new Dictionary<char, Dim>();
                    for (int i = 0; i < einsum.Operands.Count; i++)
                    {
                        if (ParameterShape(einsum.Operands[i]) is { } parameterShape && parameterShape.Length == equation.Inputs[i].Length)
                        {
                            for (int d = 0; d < parameterShape.Length; d++)
                            {
                                letters[equation.Inputs[i][d]] = parameterShape[d];
                            }
                        }
                    }

                    for (int i = 0; i < einsum.Operands.Count; i++)
                    {
                        string subscript = equation.Inputs[i];
                        if (ShapedLikeInput(einsum.Operands[i]) && subscript.Skip(1).All(letters.ContainsKey))
                        {
                            found.Add(subscript.Skip(1).Select(c => letters[c]).ToArray());
                            break;
                        }
                    }

                    break;
                case CallExpr { Op: "Maximum" or "Minimum" or "Where" } elementwise when elementwise.Operands.Any(ShapedLikeInput):
                    if (elementwise.Operands.Select(ParameterShape).FirstOrDefault(shape => shape is { Length: > 0 }) is { } pinned)
                    {
                        found.Add(pinned);
                    }

                    break;
                case BinaryExpr binary:
                    if (ShapedLikeInput(binary.Left) && ParameterShape(binary.Right) is { Length: > 0 } r)
                    {
                        found.Add(r);
                    }
                    else if (ShapedLikeInput(binary.Right) && ParameterShape(binary.Left) is { Length: > 0 } l)
                    {
                        found.Add(l);
                    }

                    break;
            }

            foreach (var child in Children(expr))
            {
                Visit(child);
            }
        }

        foreach (var local in layer.Forward.Locals)
        {
            Visit(local.Value);
        }

        Visit(layer.Forward.Result);
        return found.Count > 0 ? found[0] : System.Array.Empty<Dim>();
    }

    /// <summary>True when a loss's target is used as class indices (the second operand of <c>Ops.Pick</c>).</summary>
    public static bool TargetHoldsIndices(LayerModel layer)
    {
        bool Visit(Expr expr) =>
            (expr is CallExpr { Op: "Pick" } pick && pick.Operands.Count == 2 && pick.Operands[1] is NameExpr { Kind: NameKind.Target })
            || Children(expr).Any(Visit);
        return layer.Forward.Locals.Any(l => Visit(l.Value)) || Visit(layer.Forward.Result);
    }

    private static IEnumerable<Expr> Children(Expr expr) => expr switch
    {
        NegateExpr negate => new[] { negate.Operand },
        BinaryExpr binary => new[] { binary.Left, binary.Right },
        CallExpr call => call.Operands,
        _ => Enumerable.Empty<Expr>(),
    };
}
