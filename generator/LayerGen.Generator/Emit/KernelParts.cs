using System.Collections.Generic;
using System.Linq;
using System.Text;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Splits a long kernel into several methods, each of whole steps, called in order by the kernel. A <c>for</c> loop is
/// unrolled (ForwardUnroller), so an RNN over 100 time steps is a kernel of thousands of lines; the JIT gives up
/// optimising a method beyond about 60 KB of IL, 2000 basic blocks or 2000 locals and compiles it with MinOpts instead
/// (no register allocation worth the name, no constant folding of the sizes, no inlining): measured several times
/// slower per time step (benchmarks/README.md, "Loops over time steps"). Methods of a bounded size keep every step at
/// the speed of a short kernel, and the JIT's time linear in the steps.
/// </summary>
/// <remarks>
/// Steps communicate only through the spans the kernel takes and the workspace slices at fixed offsets, so a part needs
/// nothing but the kernel's own parameters. A part declares only the slices it touches, each at its offset written as
/// one expression (<see cref="ClosedFormOffsets"/>) rather than the chain of locals a short kernel declares, which would
/// put every earlier buffer's offset into every part.
/// </remarks>
internal static class KernelParts
{
    /// <summary>
    /// The most lines of C# a kernel method holds before it is split (a step longer than this is a part of its own).
    /// A step of a matrix product is 100–150 lines; 1500 lines keeps a method well inside the JIT's limits.
    /// </summary>
    public const int MaxLinesPerMethod = 1500;

    /// <summary>
    /// The steps in consecutive parts of at most <see cref="MaxLinesPerMethod"/> lines (as emitted in one method:
    /// <paramref name="stepLines"/>); one part, the whole kernel, when it fits.
    /// </summary>
    public static List<List<Step>> Split(List<Step> steps, List<int> stepLines)
    {
        var parts = new List<List<Step>> { new() };
        if (stepLines.Sum() <= MaxLinesPerMethod)
        {
            parts[0].AddRange(steps);
            return parts;
        }

        int lines = 0;
        for (int i = 0; i < steps.Count; i++)
        {
            if (parts[parts.Count - 1].Count > 0 && lines + stepLines[i] > MaxLinesPerMethod)
            {
                parts.Add(new List<Step>());
                lines = 0;
            }

            parts[parts.Count - 1].Add(steps[i]);
            lines += stepLines[i];
        }

        return parts;
    }

    /// <summary>
    /// Where each workspace buffer starts, by name, as one expression — the lengths of the buffers before it, grouped by
    /// length (<c>3 * (rows * numHiddens) + rows * numInputs</c>) — and where the last one ends (the saved length).
    /// The same values as the chain <c>int hAt = xAt + rows * numInputs;</c> of a short kernel.
    /// </summary>
    public static (Dictionary<string, string> Offsets, string End) ClosedFormOffsets(List<Buffer> workspace)
    {
        var offsets = new Dictionary<string, string>(System.StringComparer.Ordinal);
        var counts = new List<(string Length, int Count)>();
        var index = new Dictionary<string, int>(System.StringComparer.Ordinal);
        foreach (var buffer in workspace)
        {
            offsets[buffer.Name] = Sum(counts);
            string length = buffer.LengthCode;
            if (index.TryGetValue(length, out int at))
            {
                counts[at] = (length, counts[at].Count + 1);
            }
            else
            {
                index[length] = counts.Count;
                counts.Add((length, 1));
            }
        }

        return (offsets, Sum(counts));
    }

    private static string Sum(List<(string Length, int Count)> counts)
    {
        if (counts.Count == 0)
        {
            return "0";
        }

        var sum = new StringBuilder();
        foreach (var (length, count) in counts)
        {
            if (sum.Length > 0)
            {
                sum.Append(" + ");
            }

            sum.Append(count == 1 ? $"({length})" : $"{count} * ({length})");
        }

        return sum.ToString();
    }

    /// <summary>The names in a C# parameter list (<c>int n, global::A.B&lt;int, float&gt; child, Span&lt;float&gt; y</c>), in order.</summary>
    public static List<string> ParameterNames(string parameterList)
    {
        var names = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i <= parameterList.Length; i++)
        {
            char c = i < parameterList.Length ? parameterList[i] : ',';
            if (c is '<' or '(' or '[')
            {
                depth++;
            }
            else if (c is '>' or ')' or ']')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                string parameter = parameterList.Substring(start, i - start).Trim();
                if (parameter.Length > 0)
                {
                    names.Add(parameter.Substring(parameter.LastIndexOf(' ') + 1));
                }

                start = i + 1;
            }
        }

        return names;
    }
}
