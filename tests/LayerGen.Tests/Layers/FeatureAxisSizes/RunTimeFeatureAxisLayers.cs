using System;

namespace LayerGen.Tests.Layers.FeatureAxisSizes;

/// <summary>
/// <c>x.Size(-1)</c> where nothing fixes the input's features (no declaration, no parameter they meet): the features become
/// a run-time size of the layer, read from the input at each call, and the read is that size (issue 16). Element-wise: the
/// read alone gives the input its one feature axis.
/// </summary>
[Layer]
public partial class RootScaled
{
    Tensor Forward(Tensor x) => x / MathF.Sqrt(x.Size(-1));
}

/// <summary>A row's mean written as PyTorch users write it, <c>x.sum(-1) / x.size(-1)</c>, on rows of any width.</summary>
[Layer]
public partial class RowAverage
{
    Tensor Forward(Tensor x) => x.Sum(-1) / x.Size(-1);
}

/// <summary>
/// A mean over steps of <c>[*, steps, d]</c>, neither declared: <c>x.Size(1)</c> counts the batch as one axis, so it is
/// the steps, the first of two run-time sizes.
/// </summary>
[Layer]
public partial class StepAverage
{
    Tensor Forward(Tensor x) => Ops.Tanh(x.Sum(-2) / x.Size(1));
}
