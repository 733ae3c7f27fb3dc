using System;
using System.ComponentModel;

namespace LayerGen.Generated;

/// <summary>
/// Written by the generator on every layer: its size parameters and its input and output shapes in
/// terms of them (e.g. sizes <c>"inFeatures, outFeatures"</c>, input <c>"[*, inFeatures]"</c>, output
/// <c>"[*, outFeatures]"</c>). It lets the generator check, in another assembly, the shapes of a layer
/// used as a child (a <c>Linear</c> field called in a forward definition) at compile time.
/// </summary>
/// <remarks>For generated code; not a stable API.</remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class LayerSignatureAttribute(string sizes, string input, string output) : Attribute
{
    public string Sizes { get; } = sizes;

    public string Input { get; } = input;

    public string Output { get; } = output;

    /// <summary>
    /// The sizes among <see cref="Sizes"/> that no constructor argument gives, comma-separated (<c>"features"</c>): the layer
    /// reads them from its input at each call, and a parent in another assembly binds each from the shape it passes (and
    /// tells the layer, through <c>InputRowLength</c> or <c>SetInputFeatures</c>). Empty for most layers.
    /// </summary>
    public string RunTimeSizes { get; set; } = string.Empty;
}
