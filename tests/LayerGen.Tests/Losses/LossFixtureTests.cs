using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using LayerGen.Tests.Training;
using Xunit;

namespace LayerGen.Tests.Losses;

/// <summary>Cross-entropy through its generated kernels, at the end of an MLP, against libtorch.</summary>
public class LossFixtureTests
{
    [Fact]
    public void Mlp_with_cross_entropy_matches_torch_loss_and_every_gradient()
    {
        var fixture = Fixture.Load("mlp_ce_64_32_10_b16");
        var net = new Sequential(new Linear(64, 32), new TanhLayer(), new Linear(32, 10));
        // Constant constructions of a built-in run the constant-size kernels the generator emitted into this assembly.
        Assert.Equal("Linear[inFeatures=64, outFeatures=32]", net[0].KernelName);
        Assert.Equal("Linear[inFeatures=32, outFeatures=10]", net[2].KernelName);
        FixtureLayers.LoadParameters(net, fixture);
        var loss = new CrossEntropyLoss();
        var x = fixture.Inputs["x"].ToTensor();
        x.RequiresGrad = true;
        var labels = Tensor.From(fixture.LayerInts("labels").Select(l => (float)l).ToArray());

        var value = loss.Call(net.Call(x), labels);
        // Ten classes: this assembly constructs CrossEntropyLoss(10), so its kernel has the classes constant here.
        Assert.Equal("CrossEntropyMeanKernel[classes=10]", loss.KernelName);
        TensorAssert.Close(fixture.Output, value.Data, value.Shape, "cross-entropy");

        value.Backward(fixture.Dy.ToTensor());
        TensorAssert.Close(fixture.Grads["x"], x.Grad!.Data, x.Grad.Shape, "d/dx");
        foreach (var (name, parameter) in net.NamedParameters())
        {
            TensorAssert.Close(fixture.Grads[name], parameter.Grad!.Data, parameter.Grad.Shape, $"d/d{name}");
        }
    }
}
