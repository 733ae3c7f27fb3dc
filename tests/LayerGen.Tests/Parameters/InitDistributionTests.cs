using System;
using Xunit;

namespace LayerGen.Tests.Parameters;

/// <summary>The plain schemes of <see cref="Init"/>: normal, uniform, constants and a user function. Tolerances: see <see cref="SampleStats"/>.</summary>
public sealed class InitDistributionTests
{
    [Fact]
    public void Normal_factory_has_the_requested_mean_and_std()
    {
        Tensor t = Init.Normal(2f, 0.5f, 1000, 1000);
        Assert.Equal([1000, 1000], t.Shape.ToArray());
        SampleStats.Of(t).AssertMoments(2, 0.5, SampleStats.NormalKurtosis, "Normal(2, 0.5)");
    }

    [Fact]
    public void Normal_draws_put_68_percent_within_one_std()
    {
        // The fraction within one std is a binomial proportion: p = 0.6827, standard error √(p(1−p)/n).
        Tensor t = Init.Normal(Tensor.Zeros(1_000_000), 0f, 3f);
        int inside = 0;
        foreach (float v in t.Data)
        {
            inside += Math.Abs(v) < 3f ? 1 : 0;
        }

        const double p = 0.682689492;
        double fraction = inside / 1e6, error = SampleStats.Z * Math.Sqrt(p * (1 - p) / 1e6);
        Assert.True(Math.Abs(fraction - p) <= error, $"fraction within 1 std {fraction}, expected {p} ± {error:G3}");
    }

    [Fact]
    public void Uniform_factory_stays_in_range_and_has_uniform_moments()
    {
        Tensor t = Init.Uniform(-3f, 5f, 1000, 1000);
        SampleStats stats = SampleStats.Of(t);
        stats.AssertUniformRange(-3, 5, "Uniform(-3, 5)");
        stats.AssertMoments(1, 8 / Math.Sqrt(12), SampleStats.UniformKurtosis, "Uniform(-3, 5)");
    }

    [Fact]
    public void In_place_forms_overwrite_and_return_the_same_tensor()
    {
        var t = Tensor.Full(7f, 300, 300);
        Assert.Same(t, Init.Uniform(t, 0f, 0.5f));
        SampleStats.Of(t).AssertUniformRange(0, 0.5, "Uniform_(0, 0.5)");

        Assert.Same(t, Init.Normal(t));
        SampleStats.Of(t).AssertMoments(0, 1, SampleStats.NormalKurtosis, "Normal_()");

        Assert.Same(t, Init.Zeros(t));
        Assert.All(t.Data, v => Assert.Equal(0f, v));
        Assert.Same(t, Init.Ones(t));
        Assert.All(t.Data, v => Assert.Equal(1f, v));
        Assert.Same(t, Init.Constant(t, -2.5f));
        Assert.All(t.Data, v => Assert.Equal(-2.5f, v));
    }

    [Fact]
    public void Constant_factories_fill_exactly()
    {
        Assert.Equal([0f, 0, 0, 0, 0, 0], Init.Zeros(2, 3).Data);
        Assert.Equal([1f, 1, 1], Init.Ones(3).Data);
        Tensor c = Init.Constant(0.25f, 2, 2);
        Assert.Equal([2, 2], c.Shape.ToArray());
        Assert.Equal([0.25f, 0.25f, 0.25f, 0.25f], c.Data);
        Assert.Equal(0, Init.Zeros().Rank); // no sizes: a scalar, as torch.zeros(())
    }

    [Fact]
    public void Custom_sets_each_element_from_its_row_major_index()
    {
        Tensor t = Init.Custom(i => i * 0.5f, 2, 3);
        Assert.Equal([0f, 0.5f, 1f, 1.5f, 2f, 2.5f], t.Data);
        Assert.Equal(1.5f, t[1, 0]);
    }

    [Fact]
    public void Custom_can_transform_a_previous_initialisation_like_the_chapters_my_init()
    {
        // d2l: uniform in ±10, then keep only weights with |w| >= 5.
        Tensor w = Init.Uniform(-10f, 10f, 100, 100);
        float[] before = w.ToArray();
        Init.Custom(w, i => MathF.Abs(w.Data[i]) >= 5 ? w.Data[i] : 0f);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(MathF.Abs(before[i]) >= 5 ? before[i] : 0f, w.Data[i]);
        }
    }

    [Fact]
    public void Invalid_arguments_are_rejected_with_pytorchs_wording()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Init.Normal(0f, -1f, 3));
        Assert.Contains("std >= 0.0", e.Message, StringComparison.Ordinal);
        var u = Assert.Throws<ArgumentException>(() => Init.Uniform(1f, 0f, 3));
        Assert.Contains("from=1 > to=0", u.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Init.Uniform(0f, float.PositiveInfinity, 3));
        Assert.Throws<ArgumentNullException>(() => Init.Normal(null!, 0f, 1f));
        Assert.Throws<ArgumentNullException>(() => Init.Custom(Tensor.Zeros(2), null!));
    }

    [Fact]
    public void Parameter_initialisers_can_be_init_factories()
    {
        // KaimingLinear: weight [64, 512] = KaimingUniform(fan-out mode, relu): bound √3·√2/√fan_out where
        // fan_out = size(0) = 64 = the layer's real fan-in in this [in, out] layout; bias Zeros.
        var layer = new KaimingLinear(64, 512);
        Assert.Equal([64, 512], layer.Weight.Shape.ToArray());
        Assert.True(layer.Weight.IsParameter);
        double bound = Math.Sqrt(6.0 / 64);
        SampleStats.Of(layer.Weight).AssertUniformRange(-bound, bound, "KaimingLinear.Weight");
        Assert.All(layer.Bias.Data, v => Assert.Equal(0f, v));

        var tanh = new XavierTanhLinear(300, 700);
        SampleStats.Of(tanh.Weight).AssertMoments(0, 5.0 / 3.0 * Math.Sqrt(2.0 / 1000), SampleStats.NormalKurtosis, "XavierTanhLinear.Weight");
        Assert.All(tanh.Bias.Data, v => Assert.Equal(0.1f, v));
        Assert.Equal([2, 700], tanh.Call(Tensor.Rand(2, 300)).Shape.ToArray());
    }
}
