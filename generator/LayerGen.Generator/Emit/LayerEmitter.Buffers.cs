using System.Linq;

namespace LayerGen.Generator.Emit;

// The layer's buffers in the generated glue: the kernels read them as they read parameters (their storage, passed
// after the parameters'), never take a gradient for them, and check their shape on every call; [Buffer]s are listed
// by LocalBuffers (the state dict, safetensors), plain tensor fields are not.
internal sealed partial class LayerEmitter
{
    /// <summary>The kernels' leaf arguments: each parameter's storage, then each buffer's (<c>weight.Data, runningMean.Data, </c>).</summary>
    private string ParameterData() =>
        string.Concat(_layer.Parameters.Select(p => $"{p.Name}.Data, ")) + string.Concat(_layer.Buffers.Select(b => $"{b.Name}.Data, "));

    /// <summary>
    /// Checks that each buffer holds the shape the kernels were generated for. A field initialised by a method, or
    /// reassigned by the user, may not; there is no generated constructor to check it in, so each call does (cheaply).
    /// </summary>
    private void EmitBufferShapeChecks(SourceWriter w)
    {
        foreach (var buffer in _layer.Buffers)
        {
            w.Line($"SpanChecks.BufferShape(\"{_layer.ClassName}\", \"{buffer.Name}\", {buffer.Name}, [{string.Join(", ", buffer.Shape.Select(s => GlueCode(s.ToDim(_names.Size))))}]);");
        }
    }

    /// <summary><c>LocalBuffers()</c>: the [Buffer]s under their state-dict names, when the layer has any (plain tensor fields are not listed).</summary>
    private void EmitLocalBuffers(SourceWriter w)
    {
        var persistent = _layer.Buffers.Where(b => b.Persistent).ToList();
        if (persistent.Count == 0)
        {
            return;
        }

        using (w.Block("public IEnumerable<KeyValuePair<string, Tensor>> LocalBuffers()"))
        {
            foreach (var buffer in persistent)
            {
                w.Line($"yield return new KeyValuePair<string, Tensor>(\"{buffer.StateName}\", {buffer.Name});");
            }
        }

        w.Line();
    }
}
