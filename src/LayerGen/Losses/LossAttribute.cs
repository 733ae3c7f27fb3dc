using System;

namespace LayerGen;

/// <summary>
/// Marks a partial class as a loss: <c>Tensor Forward(Tensor input, Tensor target)</c> returning a
/// scalar. The generator emits its forward and backward kernels and the <see cref="ILoss"/>
/// implementation, as it does for a <see cref="LayerAttribute"/> layer.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LossAttribute : Attribute
{
    /// <summary>The input's shape when the definition does not pin it, e.g. <c>"[*, classes]"</c> (see <see cref="LayerAttribute.Input"/>).</summary>
    public string? Input { get; set; }
}
