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

    /// <summary>The layout of a model that is one user's layer running the kernel <paramref name="entry"/>; keyed by its kernel name alone.</summary>
    public static StepLayout OfLayer(StepEntry entry) =>
        new(entry.KernelName, [UserLayer(entry) with { RowsPerInputRow = 1 }], oneLayer: true);

    /// <summary>The layout of <paramref name="model"/>, or null when a layer has no kernels a step can call or the rows do not chain in whole numbers.</summary>
    /// <param name="model">The Sequential's layers.</param>
    /// <param name="builtIns">The specialisable built-ins of the referenced LayerGen.dll.</param>
    /// <param name="userKernels">The constant-size kernels of this compilation's layers that a step can call.</param>
    public static StepLayout? Of(StepModel model, EquatableArray<SpecialisableBuiltIn> builtIns, IReadOnlyList<StepEntry> userKernels)
    {
        var layers = new List<StepLayerKernels>();
        int rowsPerInputRow = 1;
        foreach (var layer in model.Layers)
        {
            var kernels = Resolve(layer, builtIns)
                ?? (userKernels.FirstOrDefault(e => e.TypeFullName == layer.TypeFullName && e.Sizes.Equals(layer.Sizes)) is { } entry ? UserLayer(entry) : null);
            if (kernels is null)
            {
                return null;
            }

            if (layers.Count > 0)
            {
                // As Sequential chains them: this layer's rows are the previous output's floats over its input row.
                int floats = layers[layers.Count - 1].OutputPerInputRow;
                if (kernels.InputRow <= 0 || floats % kernels.InputRow != 0)
                {
                    return null;
                }

                rowsPerInputRow = floats / kernels.InputRow;
            }

            layers.Add(kernels with { RowsPerInputRow = rowsPerInputRow });
        }

        return layers.Count == 0 ? null : new StepLayout(string.Join(" → ", layers.Select(l => l.KernelName)), layers);
    }

    /// <summary>The kernels a step calls for <paramref name="layer"/>: a specialisable built-in's constant-size kernels, or an element-wise built-in's.</summary>
    private static StepLayerKernels? Resolve(StepLayer layer, EquatableArray<SpecialisableBuiltIn> builtIns)
    {
        switch (layer.TypeFullName)
        {
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
    private static StepLayerKernels UserLayer(StepEntry entry) =>
        new StepLayerKernels(entry.KernelName, entry.TypeName, string.Empty, [], [], [], entry.InputRow, entry.OutputRow) { Entry = entry };

    /// <summary>The names in a parameter list (<c>ReadOnlySpan&lt;float&gt; input, Span&lt;float&gt; saved</c> → input, saved).</summary>
    private static IReadOnlyList<string> Names(string parameters) =>
        parameters.Split(',').Select(p => p.Trim()).Select(p => p.Substring(p.LastIndexOf(' ') + 1)).ToList();

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
