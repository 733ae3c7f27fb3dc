using System;
using Xunit;

namespace LayerGen.Tests.Parameters;

/// <summary>
/// Xavier and Kaiming: gains, fans and the resulting scales, against PyTorch's formulas
/// (<c>calculate_gain</c>, <c>_calculate_fan_in_and_fan_out</c>). Tolerances: see <see cref="SampleStats"/>.
/// </summary>
public sealed class InitScalingTests
{
    [Fact]
    public void Gains_are_pytorchs()
    {
        Assert.Equal(1f, Init.CalculateGain(Nonlinearity.Linear));
        Assert.Equal(1f, Init.CalculateGain(Nonlinearity.Conv2d));
        Assert.Equal(1f, Init.CalculateGain(Nonlinearity.ConvTranspose3d));
        Assert.Equal(1f, Init.CalculateGain(Nonlinearity.Sigmoid));
        Assert.Equal(5f / 3f, Init.CalculateGain(Nonlinearity.Tanh));
        Assert.Equal(MathF.Sqrt(2f), Init.CalculateGain(Nonlinearity.Relu));
        Assert.Equal((float)Math.Sqrt(2.0 / (1 + 0.01 * 0.01)), Init.CalculateGain(Nonlinearity.LeakyRelu));
        Assert.Equal((float)Math.Sqrt(2.0 / (1 + 0.2 * 0.2)), Init.CalculateGain(Nonlinearity.LeakyRelu, 0.2f), 6);
        Assert.Equal(0.75f, Init.CalculateGain(Nonlinearity.Selu));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.CalculateGain((Nonlinearity)99));
    }

    [Fact]
    public void Fans_follow_pytorchs_out_in_layout()
    {
        Assert.Equal((3, 5), Init.CalculateFanInAndFanOut([5, 3]));        // Linear weight [out=5, in=3]
        Assert.Equal((8 * 9, 16 * 9), Init.CalculateFanInAndFanOut([16, 8, 3, 3])); // Conv2d [out, in, kh, kw]
        Assert.Equal((4, 2), Init.CalculateFanInAndFanOut(Tensor.Zeros(2, 4)));
        var e = Assert.Throws<ArgumentException>(() => Init.CalculateFanInAndFanOut([7]));
        Assert.Contains("fewer than 2 dimensions", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Init.XavierUniform(7));
        Assert.Throws<ArgumentException>(() => Init.KaimingNormal(Tensor.Zeros(7)));
    }

    [Fact]
    public void Xavier_uniform_bound_is_sqrt_6_over_fan_sum()
    {
        // [out=800, in=1250]: bound √3·√(2/2050).
        double bound = Math.Sqrt(6.0 / 2050);
        SampleStats stats = SampleStats.Of(Init.XavierUniform(800, 1250));
        stats.AssertUniformRange(-bound, bound, "XavierUniform");
        stats.AssertMoments(0, bound / Math.Sqrt(3), SampleStats.UniformKurtosis, "XavierUniform");

        double scaled = 2 * bound; // gain 2
        SampleStats.Of(Init.XavierUniform(2f, 800, 1250)).AssertUniformRange(-scaled, scaled, "XavierUniform(gain 2)");
    }

    [Fact]
    public void Xavier_normal_std_is_gain_sqrt_2_over_fan_sum()
    {
        SampleStats.Of(Init.XavierNormal(1000, 1000)).AssertMoments(0, Math.Sqrt(2.0 / 2000), SampleStats.NormalKurtosis, "XavierNormal");
        double gain = Init.CalculateGain(Nonlinearity.Tanh);
        SampleStats.Of(Init.XavierNormal(Tensor.Zeros(1000, 1000), (float)gain))
            .AssertMoments(0, gain * Math.Sqrt(2.0 / 2000), SampleStats.NormalKurtosis, "XavierNormal_(tanh gain)");
    }

    [Fact]
    public void Xavier_on_a_conv_weight_includes_the_receptive_field()
    {
        // [64, 32, 5, 5]: fan_in 800, fan_out 1600.
        double bound = Math.Sqrt(6.0 / 2400);
        SampleStats.Of(Init.XavierUniform(64, 32, 5, 5)).AssertUniformRange(-bound, bound, "XavierUniform conv");
    }

    [Fact]
    public void Kaiming_uniform_defaults_are_leaky_relu_0_fan_in()
    {
        // Defaults: gain √2, fan_in = size(1) = 2000: bound √3·√2/√2000 = √(6/2000).
        double bound = Math.Sqrt(6.0 / 2000);
        SampleStats stats = SampleStats.Of(Init.KaimingUniform(500, 2000));
        stats.AssertUniformRange(-bound, bound, "KaimingUniform");
        stats.AssertMoments(0, Math.Sqrt(2.0 / 2000), SampleStats.UniformKurtosis, "KaimingUniform");
    }

    [Fact]
    public void Kaiming_fan_out_mode_scales_by_dimension_0()
    {
        double bound = Math.Sqrt(6.0 / 500);
        var options = new KaimingOptions(Mode: FanMode.FanOut);
        SampleStats.Of(Init.KaimingUniform(options, 500, 2000)).AssertUniformRange(-bound, bound, "KaimingUniform fan_out");
    }

    [Fact]
    public void Kaiming_normal_std_is_gain_over_sqrt_fan()
    {
        SampleStats.Of(Init.KaimingNormal(1000, 1000)).AssertMoments(0, Math.Sqrt(2.0 / 1000), SampleStats.NormalKurtosis, "KaimingNormal");

        // tanh gain 5/3, fan-out 250.
        var tanh = new KaimingOptions(Mode: FanMode.FanOut, Nonlinearity: Nonlinearity.Tanh);
        SampleStats.Of(Init.KaimingNormal(Tensor.Zeros(250, 4000), tanh))
            .AssertMoments(0, 5.0 / 3.0 / Math.Sqrt(250), SampleStats.NormalKurtosis, "KaimingNormal_(tanh, fan_out)");

        // leaky relu slope 0.2: gain √(2/1.04).
        var leaky = new KaimingOptions(A: 0.2f);
        SampleStats.Of(Init.KaimingNormal(leaky, 1000, 1000))
            .AssertMoments(0, Math.Sqrt(2.0 / 1.04) / Math.Sqrt(1000), SampleStats.NormalKurtosis, "KaimingNormal(a=0.2)");
    }

    [Fact]
    public void Kaiming_with_torch_linear_options_is_uniform_plus_minus_one_over_sqrt_fan_in()
    {
        // torch.nn.Linear: kaiming_uniform_(a=√5) → gain √(1/3), bound √3·gain/√fan_in = 1/√fan_in,
        // which is the bound the built-in Linear uses (Tensor.Uniform(±1/√in)).
        var weight = Init.KaimingUniform(KaimingOptions.TorchLinear, 1000, 400);
        SampleStats.Of(weight).AssertUniformRange(-1 / Math.Sqrt(400), 1 / Math.Sqrt(400), "KaimingUniform(TorchLinear)");

        var linear = new Linear(400, 1000);
        SampleStats.Of(linear.Weight).AssertUniformRange(-1 / Math.Sqrt(400), 1 / Math.Sqrt(400), "Linear(400, 1000).Weight");
        SampleStats.Of(linear.Bias).AssertUniformRange(-1 / Math.Sqrt(400), 1 / Math.Sqrt(400), "Linear(400, 1000).Bias");
    }

    [Fact]
    public void Zero_element_tensors_are_left_alone()
    {
        Assert.Equal(0, Init.KaimingUniform(0, 5).Count);
        Assert.Equal(0, Init.XavierNormal(5, 0).Count);
        Assert.Equal(0, Init.Orthogonal(0, 3).Count);
    }
}
