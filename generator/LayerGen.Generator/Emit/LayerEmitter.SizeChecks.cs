using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LayerGen.Generator.Ir;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.Generator.Emit;

/// <summary>
/// The size checks a layer's constructor runs (<see cref="Graph.SizeChecks"/>): facts the forward needs that only the
/// constructor's arguments decide, such as <c>heads * (d / heads) == d</c> for <c>x.Reshape(-1, steps, heads, d / heads)</c>.
/// A construction that breaks one throws at once, naming the op, the sizes and their values, instead of running
/// kernels on a wrong element count.
/// </summary>
internal sealed partial class LayerEmitter
{
    private void EmitSizeChecks(SourceWriter w)
    {
        var checks = _plan.Graph.SizeChecks.Distinct().ToList();
        if (checks.Count == 0)
        {
            return;
        }

        if (_layer.RunTimeSizes.Count > 0)
        {
            // A size read from the input (RunTimeFeatures) is known only then: see CheckRunTimeSizes.
            w.Comment("Sizes the forward needs that only the input's width decides, checked each time it is read or told.");
        }
        else
        {
            w.Comment("Sizes the forward needs that only the constructor's arguments decide, checked once when the layer is constructed.");
            w.Line($"private readonly bool __sizesChecked = __CheckSizes({string.Join(", ", _layer.SizeParameters)});");
            w.Line();
        }

        using (w.Block($"private static bool __CheckSizes({string.Join(", ", SizeNames.Select(s => "int " + s))})"))
        {
            foreach (var check in checks)
            {
                w.Line($"if (!({check.Left.Code()} {check.Relation} {check.Right.Code()})) throw new ArgumentException({Message(check)});");
            }

            w.Line("return true;");
        }

        w.Line();
    }

    /// <summary>
    /// "Layer: x.Reshape(-1, steps, heads, d / heads) needs steps * heads * (d / heads) == steps * d (the element count
    /// is kept; d must be a multiple of heads), but with steps = 4, d = 10, heads = 3 that is 36 against 40." as C#.
    /// </summary>
    private string Message(SizeCheck check)
    {
        string Value(SizeExpr size) => $"{size.Code()}.ToString(System.Globalization.CultureInfo.InvariantCulture)";
        var used = SizeNames.Where(s => check.Left.Symbols.Concat(check.Right.Symbols).Contains(s)).ToList();
        var parts = new List<string>
        {
            Literal($"{_layer.ClassName}: {check.OpText} needs {check.Describe(_names.OriginalSize)}, but with "),
        };
        for (int i = 0; i < used.Count; i++)
        {
            parts.Add(Literal((i > 0 ? ", " : string.Empty) + _names.OriginalSize(used[i]) + " = "));
            parts.Add(Value(SizeExpr.Symbol(used[i])));
        }

        parts.Add(Literal(" that is "));
        parts.Add(Value(check.Left));
        parts.Add(Literal(" against "));
        parts.Add(Value(check.Right));
        parts.Add(Literal("."));
        return string.Join(" + ", parts);
    }

    private static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);
}
