using System;
using System.ComponentModel;

namespace LayerGen.Generated;

/// <summary>
/// Written by the generator into LayerGen.dll, once for each built-in layer or loss with size parameters: what the
/// generator needs, in a user's compilation, to emit that built-in's constant-size kernels at the user's constant
/// constructions (<c>new Linear(784, 256)</c>) and register them with <see cref="SpecialisedKernels"/>. The kernel text
/// is the built-in's own generated constant-size kernel body, so the built-in's definition stays the one source.
/// </summary>
/// <remarks>For generated code; not a stable API.</remarks>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SpecialisableKernelsAttribute(
    string layer,
    string name,
    string sizes,
    string kernelInterface,
    string forwardParameters,
    string backwardParameters,
    string kernels) : Attribute
{
    /// <summary>The built-in's full name, as construction sites name it (<c>LayerGen.Linear</c>).</summary>
    public string Layer { get; } = layer;

    /// <summary>Its class name, the start of <c>KernelName</c> (<c>Linear</c>).</summary>
    public string Name { get; } = name;

    /// <summary>Its size parameters in constructor order (<c>inFeatures, outFeatures</c>).</summary>
    public string Sizes { get; } = sizes;

    /// <summary>The full name of the interface the registered kernels implement.</summary>
    public string KernelInterface { get; } = kernelInterface;

    /// <summary>The forward kernel's parameters after <c>int rows</c>, as C# text.</summary>
    public string ForwardParameters { get; } = forwardParameters;

    /// <summary>The backward kernel's parameters after <c>int rows</c>, as C# text.</summary>
    public string BackwardParameters { get; } = backwardParameters;

    /// <summary>The body of the constant-size kernel class: SavedLength, Forward and Backward, reading the sizes as static properties.</summary>
    public string Kernels { get; } = kernels;
}
