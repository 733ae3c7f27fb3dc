using System;
using System.Collections.Generic;

namespace LayerGen;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter): <see cref="Adam"/> with decoupled weight decay, like
/// <c>torch.optim.AdamW</c> — each step first scales every parameter by <c>1 - lr * weightDecay</c>,
/// then applies Adam's update without any L2 term in the gradient.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimiser; the arguments and defaults are PyTorch's (<c>weight_decay=1e-2</c>).</summary>
    /// <param name="parameters">What to optimise, e.g. <c>net.Parameters()</c>; de-duplicated by reference.</param>
    /// <param name="learningRate">PyTorch's <c>lr</c>.</param>
    /// <param name="beta1">Decay of the running mean of gradients, in [0, 1).</param>
    /// <param name="beta2">Decay of the running mean of squared gradients, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator, after the square root.</param>
    /// <param name="weightDecay">The decoupled decay rate.</param>
    /// <param name="amsgrad">Use the maximum of the second moments so far (AMSGrad).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    /// <exception cref="ArgumentException">See <see cref="Optimizer(IEnumerable{Tensor}, double)"/>.</exception>
    public AdamW(
        IEnumerable<Tensor> parameters,
        double learningRate = 1e-3,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8,
        double weightDecay = 1e-2,
        bool amsgrad = false)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, amsgrad, decoupledWeightDecay: true)
    {
    }
}
