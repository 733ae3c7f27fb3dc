using System.Linq;

namespace LayerGen.Generator.Emit;

/// <summary>
/// The glue of a layer or loss with a size nothing fixes (<see cref="Building.RunTimeFeatures"/>): the size is the
/// input's last dimension, read by each tensor call, and told to the span API through a settable
/// <c>InputRowLength</c> (which <c>Sequential</c> and <c>Trainer</c> set through <c>IRunTimeRowLength</c>).
/// </summary>
internal sealed partial class LayerEmitter
{
    /// <summary>True when the input's features are a size of the layer's own, read from the input at each call.</summary>
    private bool HasRunTimeFeatures => _layer.RunTimeSizes.Count == 1;

    /// <summary>The field that holds the run-time size.</summary>
    private string RunTimeFeaturesField => "__" + _names.Size(_layer.RunTimeSizes[0]);

    /// <summary>
    /// The statement a tensor call starts with: the size from the input's last dimension, or 0 (which the shape check
    /// then reports) for a scalar — and for a loss's vector: a loss's input keeps a batch dimension.
    /// </summary>
    private string ReadRunTimeFeatures => $"{RunTimeFeaturesField} = input.Rank >= {(_layer.IsLoss ? 2 : 1)} ? input.Shape[input.Rank - 1] : 0;{CheckRunTimeSizes(RunTimeFeaturesField)}";

    /// <summary>
    /// The size checks a width read at run time must pass (<c>x.Slice(-1, 1, -1)</c> needs at least 3), as a statement
    /// after <paramref name="width"/> is known; empty when the forward needs none.
    /// </summary>
    private string CheckRunTimeSizes(string width) => _plan.Graph.SizeChecks.Count == 0
        ? string.Empty
        : $" __CheckSizes({string.Join(", ", _layer.SizeParameters.Select(s => _layer.RunTimeSizes.Contains(s) ? width : "__" + _names.Size(s)))});";

    /// <summary>
    /// The output's floats per row: it follows the input's width (2 for <c>x.Narrow(-1, 0, 2)</c>, <c>features / 2 * 2</c> for
    /// <c>Ops.FftHalf(x)</c>), so, like the input's, it is 0 until that width is known.
    /// </summary>
    private string RunTimeOutputRow(string outputRow) =>
        outputRow == RunTimeFeaturesField ? outputRow : $"{RunTimeFeaturesField} == 0 ? 0 : {outputRow}";

    private void EmitSettableInputRowLength(SourceWriter w)
    {
        string field = RunTimeFeaturesField;
        w.Line($"/// <summary>Floats per row of the input: its last dimension ({_layer.RunTimeSizes[0]}), which no constructor parameter gives, so the span API is told it here (a tensor call sets it from the input; a Sequential from the layer before it; a Trainer a loss's from the model's output).</summary>");
        string check = CheckRunTimeSizes("value");
        w.Line(check.Length == 0
            ? $"public int InputRowLength {{ get => {field}; set => {field} = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, \"{_layer.ClassName}: a row length cannot be negative.\"); }}"
            : $"public int InputRowLength {{ get => {field}; set {{ if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, \"{_layer.ClassName}: a row length cannot be negative.\");{check} {field} = value; }} }}");
    }
}
