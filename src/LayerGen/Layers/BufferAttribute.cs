using System;

namespace LayerGen;

/// <summary>
/// Marks a <see cref="Tensor"/> field (or property) of a <see cref="LayerAttribute"/> class as a buffer: state the
/// forward reads (and, in training mode, may reassign) that is never trained — PyTorch's <c>register_buffer</c>.
/// A buffer gets no gradient and no optimiser sees it; unlike a plain <c>Tensor</c> field (PyTorch's plain
/// attribute, equally non-trainable), it is listed by <see cref="IModule.LocalBuffers"/>, in
/// <see cref="LayerExtensions.StateDict"/>, and saved and loaded with the model's safetensors file.
/// </summary>
/// <remarks>
/// Its shape is read from its initialiser (<c>Tensor.Zeros(numFeatures)</c>), or from the factory call a method of
/// the layer's returns (<c>MakeTable(maxLen, numHiddens)</c>). Its state-dict name is PyTorch's spelling of the field's
/// name: <c>runningMean</c> is listed as <c>running_mean</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = false)]
public sealed class BufferAttribute : Attribute
{
}
