using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// A size the forward implies but nothing fixes: D2L's cross-entropy written as a loss,
/// <c>-Ops.Pick(Ops.LogSoftmax(yHat, -1), y).Mean()</c>, picks along the input's last axis, so the input is
/// <c>[*, classes]</c>, yet no parameter or declaration says how many classes. Rather than refuse it, the loss gets a
/// run-time size of its own (<c>classes</c>): its kernel is the run-time-bounded one, and the glue reads the size from
/// the input's last dimension at each tensor call (the span API is told it through <c>InputRowLength</c>). Declaring
/// <c>[Loss(Input = "[*, classes]")]</c> with a constructor size still gives a specialised kernel.
/// </summary>
internal static class RunTimeFeatures
{
    /// <summary>
    /// The loss with a run-time size for its input's features, when it picks by class indices along an input whose
    /// features nothing fixes; the layer with one per feature dimension, when its forward reads an axis of an input
    /// whose feature dimensions nothing fixes (<c>Ops.Softmax(x, -1)</c> with no parameter: one; <c>x.Sum(-2)</c>: two);
    /// null when it needs none (declared, fixed by a use, element-wise).
    /// </summary>
    public static LayerModel? Apply(LayerModel layer, System.Func<ChildModel, LayerSignature?> signatureOf)
    {
        if (layer.Input is not null || layer.DeclaredInputs is not null)
        {
            return null;
        }

        if (!layer.IsLoss)
        {
            return !layer.Forward.HasSeveralInputs
                && GraphBuilder.InferUndeclaredInput(layer, signatureOf) is { Features.Count: 0, UnfixedFeatureCount: > 0 } unfixed
                ? WithRunTimeFeatures(layer, FeatureNames(layer, unfixed.UnfixedFeatureCount))
                : null;
        }

        var inferred = GraphBuilder.InferUndeclaredInput(layer, signatureOf);
        if (!inferred.TargetHoldsIndices || inferred.Features.Count > 0)
        {
            return null;
        }

        return WithRunTimeFeatures(layer, new[] { FreeName(layer, "classes") });
    }

    /// <summary>
    /// A layer reading its input's sizes (<c>x / MathF.Sqrt(x.Size(-1))</c>, <c>x.Sum(-1) / x.Size(-1)</c>) where nothing fixes
    /// its features: the layer with a run-time size per feature dimension — as many as the forward's axes and the reads reach
    /// (<c>x.Size(-2)</c>: two) — and the size each read's placeholder stands for; null when the input is declared or some use
    /// fixes its features (then the read is that size, or reported), for a loss, or for a layer of several inputs.
    /// </summary>
    public static (LayerModel Layer, Dictionary<string, SizeExpr> Sizes)? ForSizeReads(LayerModel layer, InferredInput inferred)
    {
        var reads = layer.Forward.FeatureAxisReads;
        if (layer.Input is not null || layer.IsLoss || layer.Forward.HasSeveralInputs || inferred.Features.Count > 0 || inferred.PartlyFixed
            || reads.Count == 0 || reads.Any(r => r.Input != layer.Forward.InputName || r.Axis == 0))
        {
            return null;
        }

        int count = System.Math.Max(inferred.UnfixedFeatureCount, reads.Max(r => System.Math.Abs(r.Axis)));
        var names = FeatureNames(layer, count);
        var sizes = new Dictionary<string, SizeExpr>(System.StringComparer.Ordinal);
        foreach (var read in reads)
        {
            // A positive axis counts the batch as one dimension (x.Size(1) is the first feature), a negative one from the end.
            sizes[read.Placeholder] = SizeExpr.Symbol(names[read.Axis < 0 ? count + read.Axis : read.Axis - 1]);
        }

        return (WithRunTimeFeatures(layer, names), sizes);
    }

    /// <summary>The layer with sizes <paramref name="names"/> of its own: its input's trailing dimensions, read at each call.</summary>
    private static LayerModel WithRunTimeFeatures(LayerModel layer, IReadOnlyList<string> names) => layer with
    {
        SizeParameters = layer.SizeParameters.Concat(names).ToEquatableArray(),
        Input = new DeclaredInput(names.Select(name => new SizeRef(0, name)).ToEquatableArray()),
        RunTimeSizes = names.ToEquatableArray(),
    };

    /// <summary><c>features</c> for one trailing size; <c>features1</c>, <c>features2</c>, … in axis order for several (<c>x.Sum(-2)</c>).</summary>
    private static string[] FeatureNames(LayerModel layer, int count) => count == 1
        ? new[] { FreeName(layer, "features") }
        : Enumerable.Range(1, count).Select(i => FreeName(layer, "features" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();

    /// <summary><paramref name="wanted"/>, or with a number appended when the layer already uses that name.</summary>
    private static string FreeName(LayerModel layer, string wanted)
    {
        var taken = new HashSet<string>(layer.ConstructorParameters
            .Concat(layer.Parameters.Select(p => p.Name))
            .Concat(layer.Buffers.Select(b => b.Name))
            .Concat(layer.Children.Select(c => c.Name))
            .Concat(layer.Forward.AllInputNames)
            .Concat(layer.Forward.Locals.Select(l => l.Name))
            .Concat(new[] { layer.Forward.TargetName ?? string.Empty }));
        string name = wanted;
        for (int i = 2; taken.Contains(name); i++)
        {
            name = wanted + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }
}
