using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.Generic;

/// <summary>
/// Generic layer classes (issue 16) whose type parameters do not enter <c>Forward</c>: constant constructions with a type
/// argument (<c>new TaggedLinear&lt;Encoder&gt;(5, 3)</c>) get the kernel specialised for their sizes, other sizes the
/// run-time one, whatever the type argument. Against libtorch's MyLinear fixtures, the eager path and finite differences.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class GenericLayerTests
{
    private static T FromVariable<T>(T value) => value;

    [Fact]
    public void A_generic_layer_constructed_with_constants_runs_its_specialised_kernel_and_matches_PyTorch()
    {
        var layer = new TaggedLinear<Encoder>(5, 3);
        Assert.Equal("TaggedLinear[inUnits=5, units=3]", layer.KernelName);
        Assert.Equal("Encoder", layer.Tag);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("my_linear_5_3_b2"));
    }

    [Fact]
    public void Another_type_argument_with_run_time_sizes_runs_the_run_time_kernel_and_matches_PyTorch()
    {
        var layer = new TaggedLinear<Decoder>(FromVariable(20), FromVariable(12));
        Assert.Equal("TaggedLinear[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("my_linear_20_12_b4"));
    }

    [Fact]
    public void Generic_layers_in_a_Sequential_agree_with_the_eager_path()
    {
        Tensor.ManualSeed(61);
        var model = new Sequential(new TaggedLinear<Encoder>(4, 8), new TaggedLinear<Decoder>(8, 2));
        var x = Tensor.Randn(3, 4);
        var eager = model.CallEager(x);
        var generated = model.Call(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), generated.Data, generated.Shape, "output");
    }

    [Fact]
    public void A_Sequential_of_generic_layers_gets_the_generated_step_and_its_step_lowers_the_loss()
    {
        // The generated whole-model step names each layer's type as the construction made it, type arguments included
        // (bit for bit against the layer-by-layer step: Training/GeneratedNestedAndGenericStepTests).
        Tensor.ManualSeed(63);
        var model = new Sequential(new TaggedLinear<Encoder>(4, 8), new TaggedLinear<Decoder>(8, 2));
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.05), maxRows: 3);
        Assert.True(trainer.UsesGeneratedStep);
        Assert.Equal("generated step: TaggedLinear[inUnits=4, units=8] → TaggedLinear[inUnits=8, units=2]", trainer.StepName);
        var x = Tensor.Randn(3, 4);
        var y = Tensor.Randn(3, 2);
        float first = trainer.Step(x, y);
        float later = first;
        for (int i = 0; i < 20; i++)
        {
            later = trainer.Step(x, y);
        }

        Assert.True(later < first, $"20 SGD steps on one batch should lower the loss: {first} -> {later}");
    }

    [Fact]
    public void A_layer_nested_in_a_generic_type_is_specialised_and_matches_finite_differences()
    {
        Tensor.ManualSeed(62);
        var layer = new Blocks<Encoder>.Scale(4);
        Assert.Equal("Scale[n=4]", layer.KernelName);
        var x = Tensor.Randn(3, 4);
        var eager = layer.CallEager(x);
        var generated = layer.Call(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), generated.Data, generated.Shape, "output");
        FiniteDifferences.Check(layer, x);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Children_of_generic_layer_classes_run_their_kernels_and_match_the_eager_path_and_finite_differences(bool constantSizes)
    {
        Tensor.ManualSeed(64);
        // 13 and 11: sizes no constant construction in this assembly has, so the run-time case runs run-time kernels throughout.
        var layer = constantSizes ? new TaggedAutoencoder(4, 3) : new TaggedAutoencoder(FromVariable(13), FromVariable(11));
        int inUnits = constantSizes ? 4 : 13;
        Assert.Equal(constantSizes ? "TaggedAutoencoder[inUnits=4, hidden=3]" : "TaggedAutoencoder[run-time sizes]", layer.KernelName);
        Assert.Equal(constantSizes ? "TaggedLinear[inUnits=4, units=3]" : "TaggedLinear[run-time sizes]", layer.EncoderLayer.KernelName);
        Assert.Equal(constantSizes ? "Scale[n=3]" : "Scale[run-time sizes]", layer.ScaleLayer.KernelName);
        Assert.Equal(constantSizes ? "TaggedLinear[inUnits=3, units=4]" : "TaggedLinear[run-time sizes]", layer.DecoderLayer.KernelName);
        Assert.Equal(new[] { "encoder.weight", "encoder.bias", "scale.w", "decoder.weight", "decoder.bias" }, layer.NamedParameters().Select(p => p.Key).ToArray());
        var x = Tensor.Randn(3, inUnits);
        using (GradMode.NoGrad())
        {
            // The composition on the eager path, each child as its own forward defines it.
            var expected = layer.DecoderLayer.CallEager(layer.ScaleLayer.CallEager(layer.EncoderLayer.CallEager(x))) - x;
            var generated = layer.Call(x);
            TensorAssert.Close(new FixtureTensor(expected.Shape.ToArray(), expected.Data), generated.Data, generated.Shape, "output");
        }

        FiniteDifferences.Check(layer, x);
    }
}
