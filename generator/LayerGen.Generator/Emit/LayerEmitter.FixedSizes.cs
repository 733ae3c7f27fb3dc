using System.Globalization;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Emit;

/// <summary>
/// The check that an instance has the sizes its forward's loops were unrolled for (<see cref="ForwardModel.FixedSizes"/>):
/// every kernel of such a layer, the run-time-bounded one included, runs the loop that many times, so an instance
/// constructed with another value is refused when it is constructed, never run with the wrong number of steps.
/// </summary>
internal sealed partial class LayerEmitter
{
    private void EmitFixedSizeChecks(SourceWriter w)
    {
        foreach (var size in _layer.Forward.FixedSizes)
        {
            string name = _names.Size(size.Symbol!);
            string value = size.Value.ToString(CultureInfo.InvariantCulture);
            w.Line($"if ({name} != {value}) throw new global::System.ArgumentException($\"{_layer.ClassName}'s forward is unrolled at compile time for {size.Symbol} = {value} (the value of its constant constructions), but this instance has {size.Symbol} = {{{name}}}; a forward is unrolled for one value of a size per compilation\", \"{size.Symbol}\");");
        }
    }
}
