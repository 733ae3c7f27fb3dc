using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using LayerGen.Tests.Layers.Generic;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The generated whole-model step for layers nested in a class and for generic layers: a nested layer the assembly can name
/// (public or internal, in public or internal classes) is called through its entry points as a top-level one is; a generic
/// layer's step names the type the construction made (<c>TaggedLinear&lt;Encoder&gt;</c>, <c>Blocks&lt;Decoder&gt;.Scale</c>),
/// one step per constructed type. Five steps bit for bit against the layer-by-layer step (<see cref="StepTwins"/>).
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // builds twins from one seed: no other test may draw in between
public sealed class GeneratedNestedAndGenericStepTests
{
    private static ILayer NestedAlone() => new NestedBlocks.TwoGates(5);

    private static ILayer NestedInSequential() => new Sequential(new Linear(6, 5), new NestedBlocks.Gate(5), new Linear(5, 3));

    private static ILayer GenericAlone() => new TaggedLinear<Encoder>(7, 5);

    private static ILayer GenericSequential() => new Sequential(new TaggedLinear<Encoder>(4, 8), new Blocks<Decoder>.Scale(8), new TaggedLinear<Decoder>(8, 2));

    private static ILayer GenericInGenericAlone() => new Blocks<Encoder>.Scale(6);

    [Fact]
    public void Nested_and_generic_layers_get_a_generated_step_named_by_their_kernels()
    {
        Assert.Equal("generated step: TwoGates[n=5]", StepName(NestedAlone()));
        Assert.Equal("generated step: Linear[inFeatures=6, outFeatures=5] → Gate[n=5] → Linear[inFeatures=5, outFeatures=3]", StepName(NestedInSequential()));
        Assert.Equal("generated step: TaggedLinear[inUnits=7, units=5]", StepName(GenericAlone()));
        Assert.Equal("generated step: TaggedLinear[inUnits=4, units=8] → Scale[n=8] → TaggedLinear[inUnits=8, units=2]", StepName(GenericSequential()));
        Assert.Equal("generated step: Scale[n=6]", StepName(GenericInGenericAlone()));
    }

    [Fact]
    public void Two_constructed_types_of_one_generic_layer_and_sizes_each_get_their_step()
    {
        // One kernel and one key, two types: each factory checks the model's type.
        Assert.Equal("generated step: TaggedLinear[inUnits=3, units=3]", StepName(new TaggedLinear<Encoder>(3, 3)));
        Assert.Equal("generated step: TaggedLinear[inUnits=3, units=3]", StepName(new TaggedLinear<Decoder>(3, 3)));
    }

    [Fact]
    public void A_generic_layer_constructed_with_a_type_parameter_trains_layer_by_layer()
    {
        // new TaggedLinear<TTag>(9, 2) names no type the step could: its kernel is constant, its step is not generated.
        var model = Tagged<Encoder>();
        Assert.Equal("TaggedLinear[inUnits=9, units=2]", model.KernelName);
        Assert.Equal("layer by layer", StepName(model));
    }

    [Fact]
    public void A_layer_private_to_its_class_trains_layer_by_layer()
    {
        Assert.Equal("layer by layer", StepName(PrivateStepBlocks.Model()));
        Assert.Equal("layer by layer", StepName(PrivateStepBlocks.Alone()));
    }

    [Fact]
    public void Nested_layer_alone_with_adam_matches_the_layer_by_layer_step_bit_for_bit() =>
        StepTwins.TrainBoth(NestedAlone, m => new Adam(m.Parameters(), 0.01), () => new MseLoss(), rows: 6, classes: 0);

    [Fact]
    public void Nested_layer_in_a_sequential_with_momentum_matches_bit_for_bit() =>
        StepTwins.TrainBoth(NestedInSequential, m => new Sgd(m.Parameters(), 0.05, momentum: 0.9), () => new CrossEntropyLoss(3), rows: 7, classes: 3);

    [Fact]
    public void Nested_layer_in_a_sequential_folded_into_the_backward_matches_bit_for_bit() =>
        StepTwins.TrainBoth(NestedInSequential, m => new Sgd(m.Parameters(), 0.05), () => new MseLoss(), rows: 7, classes: 0, updateInBackward: true);

    [Fact]
    public void Generic_layer_alone_with_cross_entropy_matches_bit_for_bit() =>
        StepTwins.TrainBoth(GenericAlone, m => new Sgd(m.Parameters(), 0.05), () => new CrossEntropyLoss(5), rows: 6, classes: 5);

    [Fact]
    public void Generic_layers_in_a_sequential_with_adamw_match_bit_for_bit() =>
        StepTwins.TrainBoth(GenericSequential, m => new AdamW(m.Parameters(), 0.01), () => new MseLoss(), rows: 5, classes: 0);

    [Fact]
    public void Generic_layers_in_a_sequential_folded_into_the_backward_match_bit_for_bit() =>
        StepTwins.TrainBoth(GenericSequential, m => new Sgd(m.Parameters(), 0.05), () => new MseLoss(), rows: 5, classes: 0, updateInBackward: true);

    [Fact]
    public void Layer_nested_in_a_generic_class_alone_matches_bit_for_bit() =>
        StepTwins.TrainBoth(GenericInGenericAlone, m => new Sgd(m.Parameters(), 0.1, momentum: 0.5), () => new MseLoss(), rows: 4, classes: 0);

    [Fact]
    public void A_warm_generated_step_of_nested_and_generic_layers_allocates_nothing()
    {
        Tensor.ManualSeed(4);
        foreach (var model in new[] { NestedAlone(), NestedInSequential(), GenericAlone(), GenericSequential() })
        {
            var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.01, momentum: 0.9), maxRows: 8);
            Assert.True(trainer.UsesGeneratedStep, model.LayerName);
            var x = Tensor.Randn(8, model.InputRowLength).Data.ToArray();
            var y = Tensor.Randn(8, model.OutputRowLength).Data.ToArray();
            Assert.Equal(0, Allocations.AfterWarmUp(() => trainer.Step(x, y, 8)));
        }
    }

    private static ILayer Tagged<TTag>()
        where TTag : class => new TaggedLinear<TTag>(9, 2);

    private static string StepName(ILayer model) => new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), maxRows: 2).StepName;
}
