using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.OpLayers;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Single ops, through generated kernels, against libtorch's values and gradients (Fixtures/op_*.json, made by
/// tools/fixtures/make_fixtures.py). Layers with a size are built with a constant one, so the specialised kernel
/// (constant loop bounds) is the one checked; TorchFixturePathTests runs other fixtures through every path.
/// </summary>
public class OpFixtureTests
{
    [Fact]
    public void Relu() => FixtureLayers.CheckAgainstFixture(new OpFixtures.ReluOp(), Fixture.Load("op_relu"));

    [Fact]
    public void Tanh() => FixtureLayers.CheckAgainstFixture(new OpFixtures.TanhOp(), Fixture.Load("op_tanh"));

    [Fact]
    public void Sigmoid() => FixtureLayers.CheckAgainstFixture(new OpFixtures.SigmoidOp(), Fixture.Load("op_sigmoid"));

    [Fact]
    public void Exp() => FixtureLayers.CheckAgainstFixture(new OpFixtures.ExpOp(), Fixture.Load("op_exp"));

    [Fact]
    public void Square() => FixtureLayers.CheckAgainstFixture(new OpFixtures.SquareOp(), Fixture.Load("op_square"));

    [Fact]
    public void Sum_along_the_last_axis()
    {
        var layer = new OpFixtures.SumLastOp(7);
        Assert.Equal("SumLastOp[n=7]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("op_sum_last"));
    }

    [Fact]
    public void Mean_along_the_last_axis()
    {
        var layer = new OpFixtures.MeanLastOp(7);
        Assert.Equal("MeanLastOp[n=7]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("op_mean_last"));
    }

    [Fact]
    public void Softmax_along_the_last_axis() => Check(new SoftmaxLast(7), "SoftmaxLast[n=7]", "op_softmax_last");

    [Fact]
    public void Log_softmax_along_the_last_axis() => Check(new LogSoftmaxLast(7), "LogSoftmaxLast[n=7]", "op_log_softmax_last");

    [Fact]
    public void Gelu_tanh_approximation() => Check(new GeluTanhOp(7), "GeluTanhOp[n=7]", "op_gelu_tanh");

    [Fact]
    public void Sqrt_of_abs_plus_one() => Check(new SqrtAbsPlusOne(7), "SqrtAbsPlusOne[n=7]", "op_sqrt_abs_plus1");

    private static void Check(ILayer layer, string expectedKernel, string fixture)
    {
        Assert.Equal(expectedKernel, layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(fixture));
    }
}
