using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Ir;

/// <summary>
/// An einsum equation in explicit form, <c>ijk,bi,bj->bk</c>: one subscript per operand, lowercase
/// letters, and the output's subscript after the arrow. Letters not in the output are summed.
/// </summary>
internal sealed class EinsumEquation
{
    private EinsumEquation(IReadOnlyList<string> inputs, string output)
    {
        Inputs = inputs;
        Output = output;
    }

    public IReadOnlyList<string> Inputs { get; }

    public string Output { get; }

    /// <summary>Every letter, in first-appearance order (inputs, then output).</summary>
    public IEnumerable<char> Letters => Inputs.SelectMany(s => s).Concat(Output).Distinct();

    public static EinsumEquation? Parse(string text, out string? error)
    {
        error = null;
        string compact = new(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
        int arrow = compact.IndexOf("->", System.StringComparison.Ordinal);
        if (arrow < 0)
        {
            error = $"'{text}' needs an explicit output, e.g. \"ij,jk->ik\"";
            return null;
        }

        var inputs = compact.Substring(0, arrow).Split(',');
        string output = compact.Substring(arrow + 2);
        foreach (string subscript in inputs.Concat(new[] { output }))
        {
            if (subscript.Any(c => c < 'a' || c > 'z'))
            {
                error = $"'{text}': subscripts are lowercase letters separated by commas ('...' is not supported)";
                return null;
            }
        }

        if (inputs.Any(s => s.Length == 0))
        {
            error = $"'{text}' has an empty operand subscript";
            return null;
        }

        if (output.Distinct().Count() != output.Length)
        {
            error = $"'{text}': a letter repeats in the output";
            return null;
        }

        if (inputs.Any(s => s.Distinct().Count() != s.Length))
        {
            error = $"'{text}': a letter repeats within one operand (diagonals are not supported)";
            return null;
        }

        return new EinsumEquation(inputs, output);
    }

    public override string ToString() => string.Join(",", Inputs) + "->" + Output;
}
