using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// <see cref="Tensor.ZeroGrad"/> marks a gradient stale instead of clearing it: every reader still sees
/// zeros, and a generated kernel taking it with <see cref="Tensor.TakeGradForKernel"/> learns it may
/// overwrite it whole.
/// </summary>
public class LazyZeroGradTests
{
    private static Tensor WithGradient(params float[] values)
    {
        var p = Tensor.Zeros(values.Length).AsParameter();
        values.CopyTo(p.EnsureGrad().Data, 0);
        return p;
    }

    [Fact]
    public void After_ZeroGrad_the_gradient_reads_as_zeros_through_Grad_and_EnsureGrad()
    {
        var p = WithGradient(1f, 2f, 3f);
        p.ZeroGrad();
        Assert.Equal([0f, 0f, 0f], p.Grad!.Data);

        var q = WithGradient(4f, 5f);
        q.ZeroGrad();
        Assert.Equal([0f, 0f], q.EnsureGrad().Data);
    }

    [Fact]
    public void A_kernel_takes_a_zeroed_gradient_uncleared_and_told_to_overwrite_it_once()
    {
        var p = WithGradient(1f, 2f);
        p.ZeroGrad();
        var grad = p.TakeGradForKernel(out bool overwrite);
        Assert.True(overwrite);
        Assert.Equal([1f, 2f], grad.Data); // not cleared: the kernel writes every element

        // Taken once, the gradient is current: a second taker (a shared parameter) must accumulate.
        p.TakeGradForKernel(out bool again);
        Assert.False(again);
    }

    [Fact]
    public void A_new_gradient_may_be_overwritten_and_a_current_one_may_not()
    {
        var fresh = Tensor.Zeros(3).AsParameter();
        fresh.TakeGradForKernel(out bool overwriteNew);
        Assert.True(overwriteNew);

        var current = WithGradient(1f);
        current.TakeGradForKernel(out bool overwriteCurrent);
        Assert.False(overwriteCurrent);
        Assert.Equal([1f], current.Grad!.Data);
    }

    [Fact]
    public void Assigning_a_gradient_makes_it_current()
    {
        var p = WithGradient(1f, 2f);
        p.ZeroGrad();
        p.Grad = Tensor.Ones(2);
        Assert.Equal([1f, 1f], p.Grad!.Data);
    }
}
