using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>Single ops, through generated kernels, against libtorch's values and gradients.</summary>
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
}
