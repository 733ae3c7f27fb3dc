using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Emit;

/// <summary>
/// One layer of a generated training step: what its kernels are called (a static class with constant sizes), the
/// names of their parameters after <c>rows</c>, its parameter tensors, and its row lengths.
/// </summary>
internal sealed record StepLayerKernels(
    string KernelName,
    string TypeName,
    string Kernels,
    IReadOnlyList<string> ForwardParameters,
    IReadOnlyList<string> BackwardParameters,
    IReadOnlyList<string> Tensors,
    int InputRow,
    int OutputRow)
{
    /// <summary>Rows of this layer per row of the model's input: it sees <c>rows * RowsPerInputRow</c> rows.</summary>
    public int RowsPerInputRow { get; init; }

    /// <summary>Floats of this layer's output per row of the model's input.</summary>
    public int OutputPerInputRow => RowsPerInputRow * OutputRow;

    /// <summary>For a user's <c>[Layer]</c>: its entry points, which the step calls on the layer (null: a built-in's static kernels).</summary>
    public StepEntry? Entry { get; init; }

    /// <summary>
    /// Whether the layer takes int64 ids (an <c>Embedding</c>, first in its <c>Sequential</c>): the step calls its span API as
    /// an <c>IIdsLayer</c>, as the <c>Sequential</c> does, and the model's input is ids.
    /// </summary>
    public bool TakesIds { get; init; }

    /// <summary>Whether the layer reads its width at run time (<see cref="StepEntry.RunTimeWidth"/>): the step checks it was told <see cref="InputRow"/>.</summary>
    public bool RunTimeWidth => Entry is { RunTimeWidth: true };
}

/// <summary>
/// A model a training step can be generated for, resolved: each layer's kernels and rows. The key is what a
/// <c>Trainer</c> builds from the model's layers at run time (their <c>KernelName</c>s joined by " → "), so the
/// kernel names here are spelled as the layers spell them.
/// </summary>
internal sealed class StepLayout
{
    private StepLayout(string key, IReadOnlyList<StepLayerKernels> layers, bool oneLayer = false)
    {
        Key = key;
        Layers = layers;
        OneLayer = oneLayer;
    }

    public string Key { get; }

    public IReadOnlyList<StepLayerKernels> Layers { get; }

    /// <summary>Whether the model is the one layer itself (a user's <c>[Layer]</c>), not a <c>Sequential</c> of the layers.</summary>
    public bool OneLayer { get; }

    /// <summary>Whether the model takes int64 ids: its first layer is an embedding.</summary>
    public bool TakesIds => Layers[0].TakesIds;

    /// <summary>The layout of a model that is one user's layer running the kernel <paramref name="entry"/>; keyed by its kernel name alone.</summary>
    /// <param name="entry">The kernel.</param>
    /// <param name="typeName">The layer's type as the step names it (a generic one's: the constructed type); null: the entry's.</param>
    public static StepLayout OfLayer(StepEntry entry, string? typeName = null) =>
        new(entry.KernelName, [UserLayer(entry, typeName ?? entry.TypeName) with { RowsPerInputRow = 1 }], oneLayer: true);

    /// <summary>The layout of <paramref name="model"/>, or null when a layer has no kernels a step can call or the rows do not chain in whole numbers.</summary>
    /// <param name="model">The Sequential's layers, or (<see cref="StepModel.OneLayer"/>) a generic layer alone.</param>
    /// <param name="builtIns">The specialisable built-ins of the referenced LayerGen.dll.</param>
    /// <param name="userKernels">The constant-size kernels of this compilation's layers that a step can call.</param>
    public static StepLayout? Of(StepModel model, EquatableArray<SpecialisableBuiltIn> builtIns, IReadOnlyList<StepEntry> userKernels)
    {
        var kernels = new List<StepLayerKernels>();
        foreach (var layer in model.Layers)
        {
            var resolved = Resolve(layer, builtIns, first: kernels.Count == 0) ?? User(layer, userKernels);
            if (resolved is null)
            {
                return null;
            }

            kernels.Add(resolved);
        }

        if (kernels.Count == 0 || kernels.Skip(1).Any(k => k.TakesIds))
        {
            return null;
        }

        if (model.OneLayer)
        {
            return kernels[0].Entry is { RunTimeWidth: false } entry ? OfLayer(entry, kernels[0].TypeName) : null;
        }

        // A layer that reads its width at run time is told it as Sequential tells it: the output row of the last layer
        // before it that is not shape-agnostic (a row of 1 in and out, as ReLU's), or the model's input row.
        int width = kernels[0].InputRow;
        for (int i = 0; i < kernels.Count; i++)
        {
            if (kernels[i].RunTimeWidth)
            {
                if (i == 0 || width <= 0)
                {
                    return null; // the first layer's width is the model's input, which nothing here fixes
                }

                kernels[i] = kernels[i] with { InputRow = width, OutputRow = width };
            }

            width = kernels[i].InputRow == 1 && kernels[i].OutputRow == 1 ? width : kernels[i].OutputRow;
        }

        // As Sequential chains them: the first layer's rows per row of the model (more than one when an embedding of one id
        // per row feeds a layer of several of its rows), then each layer's rows the previous output's floats over its input row.
        var layers = new List<StepLayerKernels>();
        int rowsPerInputRow = kernels[0].TakesIds ? IdsFirstRowsPerRow(kernels) : 1;
        foreach (var layer in kernels)
        {
            if (layers.Count > 0)
            {
                long floats = (long)layers[layers.Count - 1].OutputPerInputRow;
                if (layer.InputRow <= 0 || floats % layer.InputRow != 0)
                {
                    return null;
                }

                rowsPerInputRow = checked((int)(floats / layer.InputRow));
            }

            layers.Add(layer with { RowsPerInputRow = rowsPerInputRow });
        }

        return new StepLayout(string.Join(" → ", layers.Select(l => l.KernelName)), layers);
    }

    /// <summary>
    /// The key under which the emitter keeps one step per distinct model: the kind, the kernel names and the layers' types
    /// (two models of one key may hold different types: <c>Tagged&lt;A&gt;</c> and <c>Tagged&lt;B&gt;</c>, or two classes of one name).
    /// </summary>
    public string Identity => (OneLayer ? "layer " : "Sequential ") + Key + " | " + string.Join(", ", Layers.Select(l => l.TypeName));

    /// <summary>A user's layer of <paramref name="layer"/>'s type and sizes that a step can call, or null.</summary>
    private static StepLayerKernels? User(StepLayer layer, IReadOnlyList<StepEntry> userKernels)
    {
        if (userKernels.FirstOrDefault(e => e.TypeFullName == layer.TypeFullName && e.Sizes.Equals(layer.Sizes)) is not { } entry)
        {
            return null;
        }

        // A generic layer is named as the construction made it; a construction the assembly cannot name gets no step.
        string typeName = entry.Generic ? layer.TypeName : entry.TypeName;
        return typeName.Length == 0 ? null : UserLayer(entry, typeName);
    }

    /// <summary>
    /// Sequential's <c>IdsFirstRowsPerRow</c> at compile time: how many rows of the ids layer make one row of the model, the
    /// fewest for which every later layer sees whole rows (an embedding of one id per row followed by a layer of
    /// <c>[*, steps * dim]</c>: <c>steps</c>).
    /// </summary>
    private static int IdsFirstRowsPerRow(IReadOnlyList<StepLayerKernels> layers)
    {
        long rowsPerRow = 1, floats = layers[0].OutputRow;
        for (int i = 1; i < layers.Count; i++)
        {
            long inputRow = layers[i].InputRow;
            long more = inputRow / Gcd(floats, inputRow);
            rowsPerRow *= more;
            floats = floats * more / inputRow * layers[i].OutputRow;
        }

        return checked((int)rowsPerRow);
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a == 0 ? 1 : a;
    }

    /// <summary>The kernels a step calls for <paramref name="layer"/>: a specialisable built-in's constant-size kernels, or an element-wise built-in's.</summary>
    private static StepLayerKernels? Resolve(StepLayer layer, EquatableArray<SpecialisableBuiltIn> builtIns, bool first)
    {
        switch (layer.TypeFullName)
        {
            case "LayerGen.Embedding" when layer.Sizes.Count == 2 && first:
                // Compiled inside LayerGen.dll with no constant-size kernel: its span API, called as the Sequential calls it.
                return new StepLayerKernels("Embedding[run-time sizes]", "global::LayerGen.Embedding", string.Empty, [], [], [], InputRow: 1, OutputRow: layer.Sizes[1])
                {
                    TakesIds = true,
                };

            case "LayerGen.ReLU" or "LayerGen.Tanh" or "LayerGen.Sigmoid" when layer.Sizes.Count == 0:
                string name = layer.TypeFullName.Substring("LayerGen.".Length);
                return new StepLayerKernels(
                    name,
                    "global::" + layer.TypeFullName,
                    $"global::{layer.TypeFullName}.UncheckedKernels",
                    ["input", "output", "saved"],
                    ["input", "output", "outputGrad", "inputGrad", "saved"],
                    [],
                    InputRow: 1,
                    OutputRow: 1);

            case "LayerGen.Linear" when layer.Sizes.Count == 2 && builtIns.FirstOrDefault(b => b.Layer == layer.TypeFullName) is { } linear:
                string sizeList = string.Join(", ", linear.Sizes.Select((size, i) => $"{size}={Number(layer.Sizes[i])}"));
                string sizesStruct = "Sizes_" + string.Join("_", linear.Sizes.Select((size, i) => size + Number(layer.Sizes[i])));
                string specialisations = $"global::LayerGen.Generated.{linear.Name}Specialisations";
                var forward = Names(linear.ForwardParameters);
                return new StepLayerKernels(
                    $"{linear.Name}[{sizeList}]",
                    "global::" + layer.TypeFullName,
                    $"{specialisations}.Kernels<{specialisations}.{sizesStruct}>",
                    forward,
                    Names(linear.BackwardParameters),
                    forward.Where(p => p is not ("input" or "output" or "saved")).ToList(),
                    InputRow: layer.Sizes[0],
                    OutputRow: layer.Sizes[1]);

            default:
                return null;
        }
    }

    /// <summary>A user's layer: the step calls its entry points, which take its parameters' gradients themselves.</summary>
    private static StepLayerKernels UserLayer(StepEntry entry, string typeName) =>
        new StepLayerKernels(entry.KernelName, typeName, string.Empty, [], [], [], entry.InputRow, entry.OutputRow)
        {
            Entry = entry.TakesIds ? null : entry, // an ids layer is called through its IIdsLayer span API
            TakesIds = entry.TakesIds,
        };

    /// <summary>The names in a parameter list (<c>ReadOnlySpan&lt;float&gt; input, Span&lt;float&gt; saved</c> → input, saved).</summary>
    private static IReadOnlyList<string> Names(string parameters) =>
        parameters.Split(',').Select(p => p.Trim()).Select(p => p.Substring(p.LastIndexOf(' ') + 1)).ToList();

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
