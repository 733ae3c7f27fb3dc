using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Shapes written as text, <c>"[*, inFeatures, 8]"</c>, <c>"[*, numInputs + numHiddens]"</c>: '*' is the batch, then
/// positive constants or sizes of the size parameters (<see cref="Ir.SizeExpr"/>).
/// </summary>
internal static class ShapeText
{
    /// <summary>The feature dimensions after the leading '*', or null when the text is not of that form.</summary>
    public static List<SizeRef>? ParseFeatures(string text, IReadOnlyCollection<string> sizes)
    {
        var parts = text.Trim().TrimStart('[').TrimEnd(']').Split(',').Select(p => p.Trim()).ToList();
        if (parts.Count == 0 || parts[0] != "*")
        {
            return null;
        }

        var features = new List<SizeRef>();
        foreach (string part in parts.Skip(1))
        {
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0)
            {
                features.Add(new SizeRef(value, null));
            }
            else if (sizes.Contains(part))
            {
                features.Add(new SizeRef(0, part));
            }
            else if (Ir.SizeExpr.Parse(part) is { } size && size.Symbols.All(sizes.Contains) && (!size.IsConstant || size.ConstantValue > 0))
            {
                features.Add(SizeRef.From(size));
            }
            else
            {
                return null;
            }
        }

        return features;
    }

    public static string Format(IEnumerable<SizeRef> features) => "[" + string.Join(", ", new[] { "*" }.Concat(features.Select(f => f.ToString()))) + "]";
}
