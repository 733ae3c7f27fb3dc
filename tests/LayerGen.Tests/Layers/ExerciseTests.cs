using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.Exercises;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>The chapter's two exercises through their generated kernels, against libtorch.</summary>
public class ExerciseTests
{
    [Fact]
    public void Tensor_reduction_layer_matches_torch()
    {
        var layer = new TensorReduction(16, 8);
        Assert.Equal("TensorReduction[inputs=16, outputs=8]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("bilinear_16_8_b8"));
    }

    [Fact]
    public void Tensor_reduction_gradients_match_finite_differences_with_run_time_sizes()
    {
        Tensor.ManualSeed(11);
        int inputs = 5, outputs = 3;
        var layer = new TensorReduction(inputs, outputs);
        Assert.Equal("TensorReduction[run-time sizes]", layer.KernelName);
        FiniteDifferences.Check(layer, Tensor.Randn(4, 5));
    }

    [Fact]
    public void Fourier_half_matches_torch_fft()
    {
        var layer = new FourierHalf(64);
        Assert.Equal("FourierHalf[n=64]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("fourier_half_64_b8"));
    }
}
