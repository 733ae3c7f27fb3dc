using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Emit;

/// <summary>
/// The glue of a layer or loss with sizes nothing fixes (<see cref="Building.RunTimeFeatures"/>): each is one of the
/// input's trailing dimensions, read by each tensor call. The span API is told one such size through a settable
/// <c>InputRowLength</c> (which <c>Sequential</c>, <c>Trainer</c> and a parent set through <c>IRunTimeRowLength</c>);
/// several (<c>x.Sum(-2)</c> with nothing declared) through <c>SetInputFeatures</c>, as a row length cannot say how to
/// split into them.
/// </summary>
internal sealed partial class LayerEmitter
{
    /// <summary>True when the input's features are sizes of the layer's own, read from the input at each call.</summary>
    private bool HasRunTimeFeatures => _layer.RunTimeSizes.Count > 0;

    /// <summary>True for one run-time size: it is the row length, which <c>IRunTimeRowLength</c> lets be told.</summary>
    private bool TellsRowLength => _layer.RunTimeSizes.Count == 1;

    /// <summary>The interface such a layer adds to its list, or nothing.</summary>
    private string RunTimeInterface => TellsRowLength ? ", global::LayerGen.IRunTimeRowLength" : string.Empty;

    /// <summary>
    /// The run-time sizes as the <c>[LayerSignature]</c>'s named argument (<c>, RunTimeSizes = "features"</c>), so that a parent
    /// compiled in another assembly binds them from what it passes, as one of this compilation does; nothing for most layers.
    /// </summary>
    private string SignatureRunTimeSizes => HasRunTimeFeatures ? $", RunTimeSizes = \"{string.Join(", ", _layer.RunTimeSizes)}\"" : string.Empty;

    /// <summary>The field that holds a run-time size (or the glue's copy of a constructor size).</summary>
    private string SizeField(string size) => "__" + _names.Size(size);

    /// <summary>The field that holds the one run-time size.</summary>
    private string RunTimeFeaturesField => SizeField(_layer.RunTimeSizes[0]);

    /// <summary>
    /// The statement a tensor call starts with: each size from its trailing dimension of the input, or 0 (which the shape
    /// check then reports) when the input has too few — and for a loss's vector: a loss's input keeps a batch dimension.
    /// </summary>
    private string ReadRunTimeFeatures
    {
        get
        {
            int count = _layer.RunTimeSizes.Count;
            int rank = _layer.IsLoss ? count + 1 : count;
            var reads = _layer.RunTimeSizes.Select((size, j) => $"{SizeField(size)} = input.Rank >= {rank} ? input.Shape[input.Rank - {count - j}] : 0;");
            return string.Join(" ", reads) + CheckRunTimeSizes(SizeField);
        }
    }

    /// <summary>
    /// The size checks the run-time sizes must pass (<c>x.Slice(-1, 1, -1)</c> needs at least 3), as a statement once
    /// they are known, each run-time size as <paramref name="value"/> gives it; empty when the forward needs none.
    /// </summary>
    private string CheckRunTimeSizes(System.Func<string, string> value) => _plan.Graph.SizeChecks.Count == 0
        ? string.Empty
        : $" __CheckSizes({string.Join(", ", _layer.SizeParameters.Select(s => _layer.RunTimeSizes.Contains(s) ? value(s) : SizeField(s)))});";

    /// <summary>
    /// The output's floats per row: it follows the input's sizes (2 for <c>x.Narrow(-1, 0, 2)</c>, <c>features / 2 * 2</c>
    /// for <c>Ops.FftHalf(x)</c>), so, like the input's, it is 0 until they are known.
    /// </summary>
    private string RunTimeOutputRow(string outputRow) => TellsRowLength && outputRow == RunTimeFeaturesField
        ? outputRow
        : $"{string.Join(" || ", _layer.RunTimeSizes.Select(s => SizeField(s) + " == 0"))} ? 0 : {outputRow}";

    /// <summary>The comment on a run-time size's field.</summary>
    private string RunTimeSizeComment(string size) => TellsRowLength
        ? $"'{size}' is no constructor parameter: nothing fixes it, so it is the input's last dimension, set by each tensor call (InputRowLength for the span API)."
        : $"'{size}' is no constructor parameter: nothing fixes it, so it is one of the input's trailing dimensions, set by each tensor call (SetInputFeatures for the span API).";

    private void EmitSettableInputRowLength(SourceWriter w)
    {
        if (!TellsRowLength)
        {
            EmitSetInputFeatures(w);
            return;
        }

        string field = RunTimeFeaturesField;
        w.Line($"/// <summary>Floats per row of the input: its last dimension ({_layer.RunTimeSizes[0]}), which no constructor parameter gives, so the span API is told it here (a tensor call sets it from the input; a Sequential from the layer before it; a Trainer a loss's from the model's output).</summary>");
        string check = CheckRunTimeSizes(_ => "value");
        w.Line(check.Length == 0
            ? $"public int InputRowLength {{ get => {field}; set => {field} = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, \"{_layer.ClassName}: a row length cannot be negative.\"); }}"
            : $"public int InputRowLength {{ get => {field}; set {{ if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, \"{_layer.ClassName}: a row length cannot be negative.\");{check} {field} = value; }} }}");
    }

    /// <summary>Several run-time sizes: the row length is their product, and the span API is told each.</summary>
    private void EmitSetInputFeatures(SourceWriter w)
    {
        var sizes = _layer.RunTimeSizes;
        w.Line($"/// <summary>Floats per row of the input: the product of its trailing dimensions ({string.Join(", ", sizes)}), which no constructor parameter gives; a tensor call reads them from the input, and the span API is told them through SetInputFeatures.</summary>");
        w.Line($"public int InputRowLength => {string.Join(" * ", sizes.Select(SizeField))};");
        w.Line();
        w.Line($"/// <summary>Tells the span API the input's trailing dimensions ({string.Join(", ", sizes)}), which no constructor parameter gives (a tensor call sets them from the input; a parent holding this layer from what it passes).</summary>");
        using (w.Block($"public void SetInputFeatures({string.Join(", ", sizes.Select(s => "int " + s))})"))
        {
            foreach (string size in sizes)
            {
                w.Line($"if ({size} < 0) throw new ArgumentOutOfRangeException(nameof({size}), {size}, \"{_layer.ClassName}: a size cannot be negative.\");");
            }

            string check = CheckRunTimeSizes(s => s);
            if (check.Length > 0)
            {
                w.Line(check.TrimStart());
            }

            foreach (string size in sizes)
            {
                w.Line($"{SizeField(size)} = {size};");
            }
        }
    }
}
