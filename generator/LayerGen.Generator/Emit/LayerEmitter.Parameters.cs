using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Emit;

// The layer's parameters in the generated glue: their public accessors, and how the backward takes their
// gradients (lazily zeroed buffers, with a flag saying whether their contents count as zeros).
internal sealed partial class LayerEmitter
{
    private void EmitParameterAccessors(SourceWriter w)
    {
        foreach (var parameter in _layer.Parameters.Where(p => p.AccessorName.Length > 0))
        {
            w.Line($"/// <summary>The parameter <c>{parameter.Name}</c>, shape [{string.Join(", ", parameter.Shape)}], initialised by <c>{System.Security.SecurityElement.Escape(parameter.InitializerText)}</c>.</summary>");
            if (!parameter.Settable)
            {
                w.Line($"public Tensor {parameter.AccessorName} => __AsParameter({parameter.Name});");
                w.Line();
                continue;
            }

            var shape = parameter.Shape.Select(s => s.ToDim(_names.Size));
            using (w.Block($"public Tensor {parameter.AccessorName}"))
            {
                w.Line($"get => __AsParameter({parameter.Name});");
                w.Comment("Assigning another layer's parameter shares it: one tensor, gradients from both uses.");
                using (w.Block("set"))
                {
                    w.Line($"SpanChecks.Shape(\"{_layer.ClassName}\", \"{parameter.Name}\", value, [{string.Join(", ", shape.Select(GlueCode))}]);");
                    w.Line($"{parameter.Name} = __AsParameter(value);");
                }
            }

            w.Line();
        }

        if (_layer.Parameters.Count > 0)
        {
            w.Comment("Parameters are created by ordinary initialisers; they become trainable (requires_grad) the first time LayerGen sees them.");
            w.Line("private static Tensor __AsParameter(Tensor tensor) => tensor.IsParameter ? tensor : tensor.AsParameter();");
            w.Line();
        }
    }

    /// <summary>The backward kernels' gradient arguments: each parameter's gradient span, then its IsZero flags.</summary>
    private string GradientArguments() =>
        string.Concat(_layer.Parameters.Select(p => $"__{p.Name}Grad, "))
        + string.Concat(_layer.Parameters.Select(p => $"__{p.Name}GradIsZero, "));

    /// <summary>
    /// Takes each parameter's gradient for the kernel, with whether its contents count as zeros (zeroed
    /// lazily, so the kernel may overwrite it). A frozen parameter (<c>RequiresGrad</c> false, as PyTorch's
    /// <c>requires_grad=False</c>) gets an empty span: the kernel then skips every step that only feeds its
    /// gradient, and its <c>Grad</c> is neither created nor changed. Two parameters holding one tensor
    /// share one gradient, which must then be cleared now: the kernel would otherwise let one parameter's
    /// first write overwrite the other's contribution.
    /// </summary>
    private void EmitTakeGradients(SourceWriter w)
    {
        foreach (var p in _layer.Parameters)
        {
            w.Line($"bool __{p.Name}GradIsZero = false;");
            w.Line($"Span<float> __{p.Name}Grad = __AsParameter({p.Name}).RequiresGrad ? ParameterGradients.Take({p.Name}, out __{p.Name}GradIsZero) : default;");
        }

        if (_layer.Parameters.Count < 2)
        {
            return;
        }

        var pairs = Pairs(_layer.Parameters.Select(p => p.Name).ToList()).Select(p => $"ReferenceEquals({p.First}, {p.Second})");

        using (w.Block($"if (({string.Join(" || ", pairs)}) && ({string.Join(" || ", _layer.Parameters.Select(p => $"{p.Name}.RequiresGrad"))}))"))
        {
            foreach (var p in _layer.Parameters)
            {
                w.Line($"if (__{p.Name}GradIsZero) __{p.Name}Grad.Clear();");
                w.Line($"__{p.Name}GradIsZero = false;");
            }
        }
    }

    /// <summary>Every pair of distinct positions in <paramref name="names"/>, in order (for "are any two the same object" checks).</summary>
    private static IEnumerable<(string First, string Second)> Pairs(IReadOnlyList<string> names)
    {
        for (int i = 0; i < names.Count; i++)
        {
            for (int j = i + 1; j < names.Count; j++)
            {
                yield return (names[i], names[j]);
            }
        }
    }
}
