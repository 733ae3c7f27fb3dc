namespace LayerGen;

/// <summary>Mean squared error, as <c>torch.nn.MSELoss</c>: (input − target)², averaged or summed.</summary>
public sealed class MseLoss(Reduction reduction = Reduction.Mean) : KernelLoss("MseLoss", reduction)
{
    private readonly ILoss _kernel = reduction == Reduction.Mean ? new Losses.MseMeanKernel() : new Losses.MseSumKernel();

    private protected override ILoss Kernel(int lastAxis) => _kernel;
}
