using System;

namespace LayerGen;

/// <summary>
/// Huber loss, as <c>torch.nn.HuberLoss</c>: ½d² where |d| &lt; δ, else δ(|d| − ½δ), for d = input − target.
/// </summary>
/// <remarks>
/// The generated kernel is for δ = 1; any other δ uses Huber_δ(d) = δ²·Huber_1(d/δ), scaling the inputs
/// into a reused buffer (so the span API stays allocation-free after its first call; not thread-safe).
/// </remarks>
public sealed class HuberLoss : KernelLoss
{
    private readonly ILoss _kernel;
    private float[] _scaled = Array.Empty<float>();
    private float[] _scaledGrad = Array.Empty<float>();

    public HuberLoss(float delta = 1f, Reduction reduction = Reduction.Mean)
        : base("HuberLoss", reduction)
    {
        if (!(delta > 0f) || float.IsInfinity(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "HuberLoss: delta must be positive and finite.");
        }

        Delta = delta;
        _kernel = reduction == Reduction.Mean ? new Losses.HuberMeanKernel() : new Losses.HuberSumKernel();
    }

    public float Delta { get; }

    public override Tensor Call(Tensor input, Tensor target)
    {
        if (target is { DType: DType.Int64 })
        {
            target = ClassLabels.FloatTarget(this, target, 1); // refused, naming the float targets it takes
        }

        return Delta == 1f ? _kernel.Call(input, target) : _kernel.Call(input / Delta, target / Delta) * (Delta * Delta);
    }

    /// <inheritdoc cref="ILoss.CallEager(Tensor, Tensor)"/>
    /// <remarks>For δ ≠ 1, the δ = 1 definition on scaled inputs, as <see cref="Call"/> computes it.</remarks>
    public override Tensor CallEager(Tensor input, Tensor target) =>
        Delta == 1f ? _kernel.CallEager(input, target) : _kernel.CallEager(input / Delta, target / Delta) * (Delta * Delta);

    public override float ForwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> saved)
    {
        if (Delta == 1f)
        {
            return _kernel.ForwardSpan(rows, input, target, saved);
        }

        Scale(input, target);
        return Delta * Delta * _kernel.ForwardSpan(rows, _scaled.AsSpan(0, input.Length), _scaled.AsSpan(input.Length, target.Length), saved);
    }

    public override void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, float outputGrad, Span<float> inputGrad, Span<float> saved)
    {
        if (Delta == 1f)
        {
            _kernel.BackwardSpan(rows, input, target, outputGrad, inputGrad, saved);
            return;
        }

        // d/dx [δ²·H(x/δ)] = δ·H'(x/δ): the kernel's gradient at the scaled point, times δ.
        Scale(input, target);
        if (_scaledGrad.Length < input.Length)
        {
            _scaledGrad = new float[input.Length];
        }

        var scaledGrad = _scaledGrad.AsSpan(0, inputGrad.IsEmpty ? 0 : input.Length);
        scaledGrad.Clear();
        _kernel.BackwardSpan(rows, _scaled.AsSpan(0, input.Length), _scaled.AsSpan(input.Length, target.Length), outputGrad * Delta * Delta, scaledGrad, saved);
        for (int i = 0; i < scaledGrad.Length; i++)
        {
            inputGrad[i] += scaledGrad[i] / Delta;
        }
    }

    private protected override ILoss Kernel(int lastAxis) => _kernel;

    private void Scale(ReadOnlySpan<float> input, ReadOnlySpan<float> target)
    {
        if (_scaled.Length < input.Length + target.Length)
        {
            _scaled = new float[input.Length + target.Length];
        }

        for (int i = 0; i < input.Length; i++)
        {
            _scaled[i] = input[i] / Delta;
        }

        for (int i = 0; i < target.Length; i++)
        {
            _scaled[input.Length + i] = target[i] / Delta;
        }
    }
}
