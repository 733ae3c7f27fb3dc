using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Ir;

/// <summary>
/// Splits an einsum of three or more operands into a chain of two-operand einsums, the way
/// <c>opt_einsum</c>'s greedy path does: repeatedly contract the pair whose intermediate result is
/// smallest compared with the two operands it replaces.
/// </summary>
/// <remarks>
/// <para>Contracting pairwise does less work and lets each step run as a matrix product:
/// <c>ijk,bi,bj->bk</c> becomes <c>ijk,bi->bjk</c> (x·W over the merged j·k axis, a GEMM) then
/// <c>bjk,bj->bk</c>, where one loop nest over all three operands costs i·j·k per row with a scalar
/// product x_i·x_j in every term. The backward pass follows for free: the gradient of a two-operand
/// einsum is a two-operand einsum, and the two input gradients share the intermediate's gradient.</para>
/// <para>Sizes are symbolic when the order is chosen, so they are estimated: a constant is itself, a
/// size parameter 16, the batch 64. A tie goes to the first pair in operand order.</para>
/// </remarks>
internal static class EinsumPairing
{
    private const long SymbolEstimate = 16;
    private const long RowsEstimate = 64;

    /// <summary>One pairwise step: contract <see cref="Left"/> with <see cref="Right"/> into <see cref="Result"/>'s letters.</summary>
    public readonly record struct Step(int Left, int Right, string Result);

    /// <summary>
    /// The pairwise steps for <paramref name="operands"/> (indices into a list that grows by one
    /// intermediate per step, appended at the end). The last step's result is <paramref name="output"/>.
    /// </summary>
    public static IReadOnlyList<Step> Plan(IReadOnlyList<string> operands, string output, IReadOnlyDictionary<char, Dim> sizes)
    {
        var live = Enumerable.Range(0, operands.Count).ToList();
        var subscripts = operands.ToList();
        var steps = new List<Step>();
        while (live.Count > 2)
        {
            Step? best = null;
            long bestScore = long.MaxValue;
            for (int x = 0; x < live.Count; x++)
            {
                for (int y = x + 1; y < live.Count; y++)
                {
                    int left = live[x], right = live[y];
                    var others = live.Where(o => o != left && o != right).Select(o => subscripts[o]);
                    string result = Intermediate(subscripts[left], subscripts[right], others, output, sizes);
                    long score = Size(result, sizes) - Size(subscripts[left], sizes) - Size(subscripts[right], sizes);
                    if (score < bestScore)
                    {
                        bestScore = score;
                        best = new Step(left, right, result);
                    }
                }
            }

            var step = best!.Value;
            steps.Add(step);
            live.Remove(step.Left);
            live.Remove(step.Right);
            live.Add(subscripts.Count);
            subscripts.Add(step.Result);
        }

        steps.Add(new Step(live[0], live[1], output));
        return steps;
    }

    /// <summary>
    /// The letters a pair's contraction keeps: those still needed by another operand or the output.
    /// The batch letter comes first (every batched value starts with its rows), then the larger operand's
    /// letters in its order, so its contiguous trailing axes stay contiguous in the result.
    /// </summary>
    private static string Intermediate(string left, string right, IEnumerable<string> others, string output, IReadOnlyDictionary<char, Dim> sizes)
    {
        var needed = new HashSet<char>(others.SelectMany(s => s).Concat(output));
        string major = right.Length > left.Length ? right : left;
        string minor = ReferenceEquals(major, left) ? right : left;
        var letters = major.Concat(minor).Distinct().Where(needed.Contains).ToList();
        var batch = letters.Where(c => sizes[c].Kind == DimKind.Rows).ToList();
        return new string(batch.Concat(letters.Except(batch)).ToArray());
    }

    private static long Size(string subscript, IReadOnlyDictionary<char, Dim> sizes)
    {
        long size = 1;
        foreach (char c in subscript)
        {
            var dim = sizes[c];
            size *= dim.Kind switch
            {
                DimKind.Const => dim.Value,
                DimKind.Symbol => System.Math.Max(1, dim.Size!.Evaluate(_ => SymbolEstimate)),
                _ => RowsEstimate,
            };
        }

        return size;
    }
}
