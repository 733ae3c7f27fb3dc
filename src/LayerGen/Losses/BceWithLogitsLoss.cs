namespace LayerGen;

/// <summary>
/// Binary cross-entropy from logits, as <c>torch.nn.BCEWithLogitsLoss</c>, in the stable form
/// max(x, 0) − x·t + log(1 + e^−|x|) (no overflow for logits of any size).
/// </summary>
public sealed class BceWithLogitsLoss(Reduction reduction = Reduction.Mean) : KernelLoss("BceWithLogitsLoss", reduction)
{
    private readonly ILoss _kernel = reduction == Reduction.Mean ? new Losses.BceWithLogitsMeanKernel() : new Losses.BceWithLogitsSumKernel();

    private protected override ILoss Kernel(int lastAxis) => _kernel;
}
