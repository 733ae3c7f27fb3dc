using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.OpSet;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// The op set's libtorch fixtures (x [3, 7]) through generated kernels. Each layer is built with n = 7,
/// a constant construction, so the specialised kernel (constant loop bounds) is the one checked.
/// </summary>
public class OpSetFixtureTests
{
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
