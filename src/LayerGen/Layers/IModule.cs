using System.Collections.Generic;

namespace LayerGen;

/// <summary>
/// What every module has, whatever it takes and returns (PyTorch's <c>nn.Module</c> without <c>forward</c>):
/// a name, parameters, children, train/eval mode and gradient zeroing. Everything that walks a model — parameter
/// access, <c>StateDict</c>, safetensors save and load, optimisers, <see cref="LayerExtensions.ZeroGrad"/>,
/// <see cref="LayerExtensions.Apply{T}"/> — works on this, so a layer with several inputs or outputs
/// (<c>Tensor Forward(Tensor x, Tensor y)</c>, which cannot be an <see cref="ILayer"/>) and any model holding
/// one as a child take part in all of it.
/// </summary>
/// <remarks>
/// <see cref="ILayer"/> extends this with the one-tensor-in, one-tensor-out contract (<c>Call(Tensor)</c> and its
/// span API) that <see cref="Sequential"/> and <see cref="Trainer"/> chain. A generated layer with several inputs
/// implements only this, plus its own <c>Call(x, y)</c>, <c>CallEager(x, y)</c> and span API with one span per
/// input and output.
/// </remarks>
public interface IModule
{
    /// <summary>The layer's type name, as PyTorch prints a module (e.g. <c>MyLinear</c>).</summary>
    string LayerName { get; }

    /// <summary>Which generated kernel this instance runs, e.g. <c>MyLinear[inUnits=64, units=8]</c> or <c>MyLinear[run-time sizes]</c>.</summary>
    string KernelName { get; }

    /// <summary>This layer's own parameters, in declaration order (not its children's).</summary>
    IEnumerable<KeyValuePair<string, Tensor>> LocalParameters();

    /// <summary>
    /// This layer's own persistent buffers (its <see cref="BufferAttribute"/> tensors: running statistics, tables), in
    /// declaration order, under their state-dict names (<c>running_mean</c>) — PyTorch's <c>named_buffers(recurse=False)</c>.
    /// Never trained; listed in <see cref="LayerExtensions.StateDict"/> after the parameters. None by default.
    /// </summary>
    IEnumerable<KeyValuePair<string, Tensor>> LocalBuffers() => [];

    /// <summary>Direct children, in order, with their PyTorch names (<c>"0"</c>, <c>"encoder"</c>).</summary>
    IEnumerable<KeyValuePair<string, IModule>> NamedChildren();

    /// <summary>
    /// Whether the layer is in training mode (PyTorch's <c>module.training</c>): it decides, for instance,
    /// whether <see cref="Ops.Dropout"/> drops. True by default; a layer with no mode-dependent op may
    /// keep this default implementation.
    /// </summary>
    bool Training => true;

    /// <summary>
    /// Sets training mode (<paramref name="mode"/> true) or evaluation mode (false) on this layer and its
    /// children, as PyTorch's <c>module.train(mode)</c>; <see cref="LayerModeExtensions.Eval{T}"/> is
    /// <c>Train(false)</c>. The default implementation does nothing (for a layer with no mode).
    /// </summary>
    void Train(bool mode = true)
    {
    }

    /// <summary>
    /// Zeroes every parameter's gradient in place (this layer's and its children's), keeping the buffers
    /// so a training loop allocates nothing. Generated layers and <see cref="Sequential"/> implement it
    /// without allocating; the default walks <see cref="LocalParameters"/> and <see cref="NamedChildren"/>.
    /// </summary>
    void ZeroGrad() => LayerExtensions.ZeroGradByEnumeration(this);
}
