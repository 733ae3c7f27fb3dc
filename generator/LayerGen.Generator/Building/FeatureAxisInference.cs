using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// <c>x.Size(-1)</c> where nothing declares the input but the forward's uses fix that axis:
/// <c>x.MatMul(w) / MathF.Sqrt(x.Size(-1))</c> with <c>w</c> of shape <c>[inUnits, units]</c> reads <c>inUnits</c>. The parser
/// left a placeholder size for each such read (<see cref="FeatureAxisRead"/>); here the input's shape is inferred from the
/// whole forward, as for an undeclared input (<see cref="GraphBuilder.InferUndeclaredInput"/>), and each placeholder becomes
/// the size that gives its axis, in sizes and scalars alike — so the kernels compute with it as if it were written by name,
/// and building the graph then checks every use against it.
/// </summary>
internal static class FeatureAxisInference
{
    /// <summary>The layer with its feature-axis reads resolved; null after reporting a read whose axis nothing fixes to a size.</summary>
    public static LayerModel? Resolve(LayerModel layer, System.Func<ChildModel, LayerSignature?> signatureOf, List<DiagnosticInfo> diagnostics)
    {
        var reads = layer.Forward.FeatureAxisReads;
        if (reads.Count == 0)
        {
            return layer;
        }

        var inferred = GraphBuilder.InferUndeclaredInput(layer, signatureOf);
        if (RunTimeFeatures.ForSizeReads(layer, inferred) is { } widened
            && Substituted(widened.Layer, widened.Sizes) is var withRunTimeSizes
            && Builds(withRunTimeSizes, signatureOf))
        {
            // Nothing fixes the input's features: they become run-time sizes of the layer, and each read stands for the one
            // at its axis (x / MathF.Sqrt(x.Size(-1)) on [*, features]). Only when the layer then builds: where a use needs
            // the axis to be one of the layer's sizes after all (x.Size(1) in a shape added to a parameter's), the read is
            // reported below, saying how to name that size, rather than a mismatch with a size the user never wrote.
            return withRunTimeSizes;
        }

        var inputs = layer.Forward.AllInputNames.ToList();
        var sizes = new Dictionary<string, SizeExpr>(System.StringComparer.Ordinal);
        bool resolved = true;
        foreach (var read in reads)
        {
            int input = inputs.IndexOf(read.Input);
            var features = input == 0 ? inferred.Features
                : input > 0 && input - 1 < inferred.OtherFeatures.Count ? inferred.OtherFeatures[input - 1]
                : System.Array.Empty<Dim>();
            int at = read.Axis < 0 ? features.Count + read.Axis : read.Axis - 1;
            if (at >= 0 && at < features.Count && features[at].IsSize && !features[at].AsSize.Symbols.Any(s => s.StartsWith("__", System.StringComparison.Ordinal)))
            {
                sizes[read.Placeholder] = features[at].AsSize;
                continue;
            }

            resolved = false;
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedExpression,
                read.Location,
                read.Text,
                layer.ClassName,
                $"'{read.Text}' reads axis {read.Axis} of '{read.Input}', and nothing in the forward fixes that axis to a size of the layer (a parameter it meets, as in 'x.MatMul(w)'); "
                + $"declare the input's shape with the layer's sizes, e.g. [Layer(Input = \"[*, n]\")] (then '{read.Text}' is n), or write the size by name"));
        }

        return resolved ? Substituted(layer, sizes) : null;
    }

    /// <summary>Whether the layer's graph builds without a problem (the widened layer's uses agree with its run-time sizes).</summary>
    private static bool Builds(LayerModel layer, System.Func<ChildModel, LayerSignature?> signatureOf)
    {
        var problems = new List<DiagnosticInfo>();
        return GraphBuilder.Build(layer, name => name, signatureOf, problems) is not null && problems.Count == 0;
    }

    /// <summary>The layer with each read's placeholder replaced by the size <paramref name="sizes"/> gives it.</summary>
    private static LayerModel Substituted(LayerModel layer, Dictionary<string, SizeExpr> sizes)
    {
        var forward = layer.Forward;
        var substitute = new Substitution(sizes);
        return layer with
        {
            Forward = forward with
            {
                Locals = forward.Locals.Select(l => l with { Value = substitute.Apply(l.Value) }).ToEquatableArray(),
                Result = substitute.Apply(forward.Result),
                OtherResults = forward.OtherResults.Select(substitute.Apply).ToEquatableArray(),
                FeatureAxisReads = EquatableArray<FeatureAxisRead>.Empty,
            },
        };
    }

    /// <summary>Each placeholder replaced by its size: in size arguments (expressions) and in scalar templates (holes <c>{name}</c>).</summary>
    private sealed class Substitution(Dictionary<string, SizeExpr> sizes)
    {
        public Expr Apply(Expr expr) => expr switch
        {
            CallExpr call => call with
            {
                Operands = call.Operands.Select(Apply).ToEquatableArray(),
                SizeArguments = call.SizeArguments.Select(a => a with { Size = a.Size.Substitute(Size) }).ToEquatableArray(),
                Numbers = call.Numbers.Select(n => n.Code is { } code ? Number.Symbolic(Fill(code)) : n).ToEquatableArray(),
            },
            ScalarExpr scalar => scalar with { Template = Fill(scalar.Template) },
            ChildCallExpr child => child with { Input = Apply(child.Input), OtherInputs = child.OtherInputs.Select(Apply).ToEquatableArray() },
            TupleExpr tuple => tuple with { Items = tuple.Items.Select(Apply).ToEquatableArray() },
            TupleItemExpr item => item with { Tuple = Apply(item.Tuple) },
            _ => expr,
        };

        private SizeExpr Size(string name) => sizes.TryGetValue(name, out var size) ? size : SizeExpr.Symbol(name);

        private string Fill(string template)
        {
            foreach (var pair in sizes)
            {
                template = template.Replace("{" + pair.Key + "}", "(" + pair.Value.CodeWith(n => "{" + n + "}") + ")");
            }

            return template;
        }
    }
}
