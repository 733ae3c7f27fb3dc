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
}
