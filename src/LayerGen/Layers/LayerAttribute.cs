using System;

namespace LayerGen;

/// <summary>
/// Marks a partial class as a layer. The LayerGen generator reads its <c>Tensor Forward(Tensor x)</c>
/// definition and its <see cref="ParameterAttribute"/> members, and emits specialised forward and
/// backward kernels plus the <see cref="ILayer"/> implementation.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LayerAttribute : Attribute
{
    /// <summary>
    /// The input's shape when the forward definition does not pin it, e.g. <c>"[*, n]"</c>: <c>*</c> is
    /// the batch (all leading dimensions), the rest are constants or primary-constructor parameters.
    /// Without it, the shape is inferred (from a <c>MatMul</c> or an element-wise op with a parameter),
    /// and a layer that uses neither treats every element as its own row (<c>x - x.Mean()</c>).
    /// </summary>
    public string? Input { get; set; }
}

/// <summary>
/// Marks a <see cref="Tensor"/> field (or property) of a <see cref="LayerAttribute"/> class as a
/// trainable parameter. Its shape is read from its initialiser, e.g. <c>Tensor.Randn(inUnits, units)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = false)]
public sealed class ParameterAttribute : Attribute
{
}
