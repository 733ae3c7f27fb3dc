using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// The chapter's layers, run through their generated kernels, against libtorch's outputs and
/// gradients. Each test also asserts which kernel ran, so a silent fall-back cannot pass.
/// </summary>
public class ChapterFixtureTests
{
    [Fact]
    public void CenteredLayer_on_the_chapters_input()
    {
        var layer = new CenteredLayer();
        Assert.Equal("CenteredLayer", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("centered_seed"));
    }

    [Fact]
    public void CenteredLayer_on_a_batch_takes_the_mean_over_every_element()
    {
        FixtureLayers.CheckAgainstFixture(new CenteredLayer(), Fixture.Load("centered_4x128"));
    }

    [Fact]
    public void MyLinear_5_3_runs_its_constant_size_kernel()
    {
        var layer = new MyLinear(5, 3);
        Assert.Equal("MyLinear[inUnits=5, units=3]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("my_linear_5_3_b2"));
    }

    [Fact]
    public void MyLinear_with_sizes_known_only_at_run_time_runs_the_runtime_bounded_kernel()
    {
        var fixture = Fixture.Load("my_linear_20_12_b4");
        int inUnits = fixture.Parameters["weight"].Shape[0];
        int units = fixture.Parameters["weight"].Shape[1];
        var layer = new MyLinear(inUnits, units);
        Assert.Equal("MyLinear[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, fixture);
    }

    [Fact]
    public void The_chapters_net_of_two_MyLinear_layers_in_a_Sequential()
    {
        var net = new Sequential(new MyLinear(64, 8), new MyLinear(8, 1));
        Assert.Equal("MyLinear[inUnits=64, units=8]", ((ILayer)net[0]).KernelName);
        Assert.Equal("MyLinear[inUnits=8, units=1]", ((ILayer)net[1]).KernelName);
        FixtureLayers.CheckAgainstFixture(net, Fixture.Load("seed_net_64_8_1_b2"));
    }

    [Fact]
    public void Builtin_Linear_then_CenteredLayer_matches_torch()
    {
        var fixture = Fixture.Load("linear_centered_8_128_b4");
        var net = new Sequential(new Linear(8, 128), new CenteredLayer());
        FixtureLayers.CheckAgainstFixture(net, fixture);
    }
}
