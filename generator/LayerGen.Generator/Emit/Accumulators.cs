using System.Linq;

namespace LayerGen.Generator.Emit;

/// <summary>
/// The spelling of a loop's independent accumulators (<c>acc0</c>, <c>acc1</c>, …), however many Lowering chose: their
/// declaration and their sum.
/// </summary>
internal static class Accumulators
{
    /// <summary><c>type acc0 = init, acc1 = init, …;</c> for <paramref name="count"/> accumulators.</summary>
    public static string Declare(string type, string prefix, int count, string? init = null) =>
        $"{type} {string.Join(", ", Enumerable.Range(0, count).Select(q => $"{prefix}{q} = {init ?? type + ".Zero"}"))};";

    /// <summary>
    /// The accumulators added pairwise, <c>(acc0 + acc1) + (acc2 + acc3)</c>, so the adds of a tree's halves are
    /// independent of each other.
    /// </summary>
    public static string Sum(string prefix, int count)
    {
        string Tree(int from, int n, bool nested) => n == 1
            ? $"{prefix}{from}"
            : (nested ? "(" : string.Empty) + $"{Tree(from, n / 2, true)} + {Tree(from + n / 2, n - n / 2, true)}" + (nested ? ")" : string.Empty);
        return Tree(0, count, nested: false);
    }
}
