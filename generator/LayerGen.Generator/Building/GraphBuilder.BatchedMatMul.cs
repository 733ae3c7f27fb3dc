using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// <c>MatMul</c> with an operand of rank 3 or more, as PyTorch's <c>torch.matmul</c> defines it: the last two axes
/// of each operand are matrices (a vector operand is one row or one column), the axes before them are a batch of
/// products, broadcast against each other from the right.
/// </summary>
/// <remarks>
/// The product becomes one einsum node, one letter per axis: <c>[*, s, d] × [d, h]</c> is <c>"asd,dh->ash"</c> (one
/// matrix product over merged axes, so large ones run on the GEMM), <c>q.MatMul(k.Transpose(-1, -2))</c> on
/// <c>[*, s, d]</c> and <c>[*, t, d]</c> is <c>"asd,atd->ast"</c> (the transpose is read as the layout of k, never
/// copied). Einsum already has the shape checks, a vector-Jacobian rule and loops, so a batched product needs
/// nothing of its own after building. A batch axis of size 1 against a larger one is broadcast by dropping it
/// from its operand (a reshape, no copy): its letter is then in the other operand and the output only, and the
/// einsum's backward sums the gradient over it, as PyTorch's broadcasting backward does.
/// </remarks>
internal sealed partial class GraphBuilder
{
    /// <summary>Whether a MatMul operand's shape asks for PyTorch's batched product: rank 3 or more, fully known.</summary>
    private bool IsBatchedOperand(Shape shape) =>
        shape.Rank >= 3 && (_unifier is null || ShapeUnifier.OpenAt(shape) < 0);

    /// <summary>The right operand of a MatMul when it is written <c>k.Transpose(i, j)</c> with constant axes, else null.</summary>
    private static CallExpr? TransposeCall(Expr operand) =>
        operand is CallExpr { Op.Construct: Construct.Transpose, Constants.Count: 2 } transpose && transpose.SizeArguments.Count == 0 ? transpose : null;

    /// <summary>
    /// <c>k.Transpose(i, j)</c> as a MatMul's right operand, k built as <paramref name="k"/>: when it swaps k's last two
    /// axes (<c>(-1, -2)</c>, or <c>(1, 2)</c> on a rank-3 k), the product reads k as stored, transposed (Layout);
    /// otherwise the permuted copy (Node). Null when the axes are out of range (reported) or not known yet.
    /// </summary>
    private (bool Layout, int Node)? TransposedOperand(int k, CallExpr transpose)
    {
        if (transpose.Constants.All(c => c is -1 or -2) && transpose.Constants[0] != transpose.Constants[1])
        {
            return (true, k);
        }

        if (NotKnownYet(new[] { k }) || NormaliseAxis(k, transpose.Constants[0], transpose) is not int first || NormaliseAxis(k, transpose.Constants[1], transpose) is not int second)
        {
            return null;
        }

        int rank = ShapeOf(k).Rank;
        if (System.Math.Min(first, second) == rank - 2 && System.Math.Max(first, second) == rank - 1)
        {
            return (true, k);
        }

        var swap = Enumerable.Range(0, rank).ToArray();
        (swap[first], swap[second]) = (swap[second], swap[first]);
        return Permute(k, swap, transpose) is int permuted ? (false, permuted) : null;
    }

    /// <summary>
    /// The product of <paramref name="a"/> and <paramref name="b"/> (read transposed when <paramref name="transposeB"/>),
    /// at least one of rank 3 or more; null (reported) when the shapes do not multiply.
    /// </summary>
    private int? BatchedMatMul(CallExpr call, int a, int b, bool transposeB)
    {
        var aShape = ShapeOf(a);
        var bShape = ShapeOf(b);
        string Written() => $"{Shown(aShape)} × {(transposeB ? "the transpose of " : string.Empty)}{Shown(bShape)}";
        if (aShape.Rank == 0 || bShape.Rank == 0 || (transposeB && bShape.Rank < 2))
        {
            Report(call, $"MatMul needs operands of rank 1 or more, but got {Written()}");
            return null;
        }

        // Each operand: its batch axes, then its matrix axes (a vector has one: k).
        int aBatchRank = System.Math.Max(0, aShape.Rank - 2);
        int bBatchRank = System.Math.Max(0, bShape.Rank - 2);
        var aMatrix = aShape.Dims.Skip(aBatchRank).ToList();
        var bMatrix = bShape.Dims.Skip(bBatchRank).ToList();
        var inner = bMatrix.Count == 1 ? bMatrix[0] : transposeB ? bMatrix[1] : bMatrix[0];
        if (!SameSize(aMatrix[aMatrix.Count - 1], inner))
        {
            Report(call, $"inner dimensions differ: {Written()} ({Shown(aMatrix[aMatrix.Count - 1])} vs {Shown(inner)})");
            return null;
        }

        if (aMatrix.Count == 2 && aMatrix[0].Kind == DimKind.Rows || bMatrix.Any(d => d.Kind == DimKind.Rows))
        {
            Report(call, $"the batch dimension cannot be a row or column of a product: {Written()} (its axis is the first, and stays the first)");
            return null;
        }

        // The batch axes, aligned from the right: one letter each, in one or both operands.
        char next = 'a';
        var aLetters = new char[aShape.Rank];
        var bLetters = new char[bShape.Rank];
        var aKept = new List<int>();
        var bKept = new List<int>();
        var batch = new List<Dim>();
        var batchLetters = new List<char>();
        int batchRank = System.Math.Max(aBatchRank, bBatchRank);
        for (int i = 0; i < batchRank; i++)
        {
            int ai = aBatchRank - batchRank + i, bi = bBatchRank - batchRank + i;
            Dim? da = ai >= 0 ? aShape[ai] : null, db = bi >= 0 ? bShape[bi] : null;
            char letter = next++;
            bool inA = da is not null, inB = db is not null;
            if (da is { } x && db is { } y && !SameSize(x, y))
            {
                // PyTorch broadcasts a 1 against any size; the batch (all leading axes, flattened) only against itself.
                inA = !x.IsOne;
                inB = !y.IsOne;
                if (inA && inB)
                {
                    Report(call, $"the batch axes of {Written()} do not broadcast: {Shown(x)} against {Shown(y)}");
                    return null;
                }
            }

            if (inA)
            {
                aLetters[ai] = letter;
                aKept.Add(ai);
            }

            if (inB)
            {
                bLetters[bi] = letter;
                bKept.Add(bi);
            }

            batch.Add(inA ? da!.Value : db!.Value);
            batchLetters.Add(letter);
        }

        if (batch.Skip(1).Any(d => d.Kind == DimKind.Rows))
        {
            Report(call, $"the batch axes of {Written()} do not broadcast: the batch (the leading axes of the input) must stay the first axis of the product");
            return null;
        }

        // The matrix axes: m (unless a is a vector), k (summed), n (unless b is a vector).
        char k = next++;
        char? m = aMatrix.Count == 2 ? next++ : null;
        char? n = bMatrix.Count == 2 ? next++ : null;
        aLetters[aShape.Rank - 1] = k;
        if (m is char mLetter)
        {
            aLetters[aShape.Rank - 2] = mLetter;
        }

        if (n is char nLetter)
        {
            bLetters[bShape.Rank - 2] = transposeB ? nLetter : k;
            bLetters[bShape.Rank - 1] = transposeB ? k : nLetter;
        }
        else
        {
            bLetters[bShape.Rank - 1] = k;
        }

        aKept.AddRange(Enumerable.Range(aBatchRank, aShape.Rank - aBatchRank));
        bKept.AddRange(Enumerable.Range(bBatchRank, bShape.Rank - bBatchRank));
        int aOperand = Squeezed(a, aShape, aKept);
        int bOperand = Squeezed(b, bShape, bKept);
        var result = new List<Dim>(batch);
        var output = new List<char>(batchLetters);
        if (m is char mOut)
        {
            result.Add(aMatrix[0]);
            output.Add(mOut);
        }

        if (n is char nOut)
        {
            result.Add(transposeB ? bMatrix[0] : bMatrix[1]);
            output.Add(nOut);
        }

        string equation = $"{new string(aKept.Select(i => aLetters[i]).ToArray())},{new string(bKept.Select(i => bLetters[i]).ToArray())}->{new string(output.ToArray())}";
        var resolved = new Shape(result.Select(d => _unifier?.Resolve(d) ?? d).ToArray());
        return _graph.Add(new Node(0, Op.Einsum, new[] { aOperand, bOperand }, resolved) { Equation = equation, Text = call.Text });
    }

    /// <summary>
    /// For a product read as matrices although written as a batched one (<c>q.MatMul(k.Transpose(-1, -2))</c> on inputs
    /// whose shapes nothing declares or fixes): how to make it batched; empty otherwise.
    /// </summary>
    private static string DeclareForBatchedProduct(bool lastTwoSwapped) => lastTwoSwapped
        ? "; for a batched product such as attention scores on [*, steps, d], declare the inputs' shapes, e.g. [Layer(Input = \"[*, queries, d]; [*, keyValues, d]\")]"
        : string.Empty;

    /// <summary>A dimension as the user wrote it, for messages.</summary>
    private string Shown(Dim dim) => dim.Kind == DimKind.Symbol ? Shown(dim.AsSize) : dim.ToString();

    /// <summary>The operand without its broadcast axes of size 1 (a reshape, no copy), or itself when it keeps every axis.</summary>
    private int Squeezed(int operand, Shape shape, List<int> kept) =>
        kept.Count == shape.Rank ? operand : Reshape(operand, new Shape(kept.Select(i => shape[i]).ToArray()));
}
