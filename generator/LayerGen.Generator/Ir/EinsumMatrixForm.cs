using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Ir;

/// <summary>
/// A two-operand einsum read as one matrix product C = op(A)·op(B) over merged axes, e.g.
/// <c>ijk,bi->bjk</c> is x[b, i]·W[i, j·k] and <c>ijk,bjk->bi</c> is dT[b, j·k]·W[i, j·k]ᵀ.
/// </summary>
/// <remarks>
/// The letters split into M (in the first factor and the output), N (in the second factor and the
/// output) and K (in both factors, summed). It is a matrix product when each group is one run of
/// adjacent axes, in the same order wherever it appears, and the output is the M run followed by the N
/// run; each factor is then its two runs in either order (the order says whether it is used transposed).
/// A letter in all three (a batch of products) or summed within one operand rules it out.
/// </remarks>
internal sealed class EinsumMatrixForm
{
    private EinsumMatrixForm(int a, bool transposeA, int b, bool transposeB, string m, string n, string k)
    {
        A = a;
        TransposeA = transposeA;
        B = b;
        TransposeB = transposeB;
        M = m;
        N = n;
        K = k;
    }

    /// <summary>Which operand (0 or 1) is the left factor, A.</summary>
    public int A { get; }

    /// <summary>Whether A is stored K×M.</summary>
    public bool TransposeA { get; }

    /// <summary>Which operand is the right factor, B.</summary>
    public int B { get; }

    /// <summary>Whether B is stored N×K.</summary>
    public bool TransposeB { get; }

    /// <summary>The merged sizes as code (products of letter sizes; "1" for an empty group).</summary>
    public string M { get; }

    public string N { get; }

    public string K { get; }

    /// <summary>The matrix form of <paramref name="equation"/>, or null when it is not one matrix product.</summary>
    public static EinsumMatrixForm? Of(EinsumEquation equation, IReadOnlyDictionary<char, Dim> sizes)
    {
        if (equation.Inputs.Count != 2)
        {
            return null;
        }

        string c = equation.Output;
        for (int first = 0; first < 2; first++)
        {
            string a = equation.Inputs[first], b = equation.Inputs[1 - first];
            string m = new(c.Where(l => a.Contains(l) && !b.Contains(l)).ToArray());
            string n = new(c.Where(l => b.Contains(l) && !a.Contains(l)).ToArray());
            string k = new(a.Where(l => b.Contains(l) && !c.Contains(l)).ToArray());
            bool everyLetterPlaced = a.All(l => m.Contains(l) || k.Contains(l)) && b.All(l => n.Contains(l) || k.Contains(l)) && c.Length == m.Length + n.Length;
            if (!everyLetterPlaced || k.Length == 0 || c != m + n)
            {
                continue;
            }

            bool? ta = Layout(a, m, k);
            bool? tb = Layout(b, k, n);
            if (ta is bool transposeA && tb is bool transposeB)
            {
                return new EinsumMatrixForm(first, transposeA, 1 - first, transposeB, Product(m, sizes), Product(n, sizes), Product(k, sizes));
            }
        }

        return null;
    }

    // A factor stored as rows·columns is not transposed, as columns·rows it is; anything else is not a matrix.
    private static bool? Layout(string factor, string rows, string columns) =>
        factor == rows + columns ? false : factor == columns + rows ? true : null;

    private static string Product(string letters, IReadOnlyDictionary<char, Dim> sizes) =>
        letters.Length == 0 ? "1" : letters.Length == 1 ? sizes[letters[0]].Code : "(" + Shape.ProductCode(letters.Select(l => sizes[l])) + ")";
}
