namespace LayerGen.Losses;

// The built-in losses' definitions, compiled by LayerGen's own generator into forward and backward
// kernels. The public classes (MseLoss, CrossEntropyLoss, ...) pick one by reduction; these are internal, as
// nothing outside LayerGen.dll needs them (the public losses offer Call, the span API and CallEager).

/// <summary>mean((input − target)²).</summary>
[Loss]
internal sealed partial class MseMeanKernel
{
    private Tensor Forward(Tensor input, Tensor target) => ((input - target) * (input - target)).Mean();
}

/// <summary>Σ (input − target)².</summary>
[Loss]
internal sealed partial class MseSumKernel
{
    private Tensor Forward(Tensor input, Tensor target) => ((input - target) * (input - target)).Sum();
}

/// <summary>Cross-entropy from logits [*, classes] and class indices [*]: −log softmax(input)[target], averaged.</summary>
[Loss(Input = "[*, classes]")]
internal sealed partial class CrossEntropyMeanKernel(int classes)
{
    private Tensor Forward(Tensor input, Tensor target) => -Ops.Pick(Ops.LogSoftmax(input, -1), target).Mean();
}

/// <summary>Cross-entropy from logits and class indices, summed over the batch.</summary>
[Loss(Input = "[*, classes]")]
internal sealed partial class CrossEntropySumKernel(int classes)
{
    private Tensor Forward(Tensor input, Tensor target) => -Ops.Pick(Ops.LogSoftmax(input, -1), target).Sum();
}

/// <summary>Binary cross-entropy from logits, in the stable form max(x, 0) − x·t + log(1 + e^−|x|), averaged.</summary>
[Loss]
internal sealed partial class BceWithLogitsMeanKernel
{
    private Tensor Forward(Tensor input, Tensor target) =>
        (Ops.Relu(input) - (input * target) + Ops.Log(1f + Ops.Exp(-Ops.Abs(input)))).Mean();
}

/// <summary>Binary cross-entropy from logits, summed.</summary>
[Loss]
internal sealed partial class BceWithLogitsSumKernel
{
    private Tensor Forward(Tensor input, Tensor target) =>
        (Ops.Relu(input) - (input * target) + Ops.Log(1f + Ops.Exp(-Ops.Abs(input)))).Sum();
}

/// <summary>Huber loss with δ = 1: ½d² where |d| &lt; 1, else |d| − ½, averaged (other δ are scaled to it).</summary>
[Loss]
internal sealed partial class HuberMeanKernel
{
    private Tensor Forward(Tensor input, Tensor target)
    {
        var d = input - target;
        var a = Ops.Abs(d);
        return Ops.Where(a < 1f, 0.5f * d * d, a - 0.5f).Mean();
    }
}

/// <summary>Huber loss with δ = 1, summed.</summary>
[Loss]
internal sealed partial class HuberSumKernel
{
    private Tensor Forward(Tensor input, Tensor target)
    {
        var d = input - target;
        var a = Ops.Abs(d);
        return Ops.Where(a < 1f, 0.5f * d * d, a - 0.5f).Sum();
    }
}
