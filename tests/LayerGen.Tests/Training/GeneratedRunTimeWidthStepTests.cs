using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.RunTimeFeatures;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The generated whole-model step of a <see cref="Sequential"/> holding a layer that reads its width at run time and keeps
/// it (<c>x.Softmax(-1)</c> with nothing declared): the Sequential tells it the width of the layer before it, which the
/// generator knows, so the step calls the layer's run-time kernel (and checks, when built, that the layer was told that
/// width). Five steps bit for bit against the layer-by-layer step (<see cref="StepTwins"/>).
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // builds twins from one seed: no other test may draw in between
public sealed class GeneratedRunTimeWidthStepTests
{
    // Sharpened reads its width at run time and so does its child softmax.
    private static ILayer AroundSharpened() => new Sequential(new Linear(4, 6), new Sharpened(), new Linear(6, 2));

    // ReLU passes the width on (a row of 1 in and out): the softmax is told Linear(5, 7)'s 7.
    private static ILayer AfterRelu() => new Sequential(new Linear(5, 7), new ReLU(), new UndeclaredSoftmax(), new Linear(7, 3));

    [Fact]
    public void A_layer_of_run_time_width_in_a_sequential_gets_a_generated_step()
    {
        Assert.Equal("generated step: Linear[inFeatures=4, outFeatures=6] → Sharpened[run-time sizes] → Linear[inFeatures=6, outFeatures=2]", StepName(AroundSharpened()));
        Assert.Equal("generated step: Linear[inFeatures=5, outFeatures=7] → ReLU → UndeclaredSoftmax[run-time sizes] → Linear[inFeatures=7, outFeatures=3]", StepName(AfterRelu()));
    }

    [Fact]
    public void A_layer_of_run_time_width_alone_trains_layer_by_layer()
    {
        var model = new Sharpened { InputRowLength = 6 }; // nothing at compile time fixes its width
        var unrelated = new Linear(1, 1); // it holds no parameters, and an optimiser needs some
        var trainer = new Trainer(model, new MseLoss(), new Sgd(unrelated.Parameters(), 0.1), maxRows: 2);
        Assert.Equal("layer by layer", trainer.StepName);
    }

    [Fact]
    public void Around_a_run_time_width_layer_with_adam_and_cross_entropy_matches_bit_for_bit() =>
        StepTwins.TrainBoth(AroundSharpened, m => new Adam(m.Parameters(), 0.01), () => new CrossEntropyLoss(2), rows: 6, classes: 2);

    [Fact]
    public void Around_a_run_time_width_layer_folded_into_the_backward_matches_bit_for_bit() =>
        StepTwins.TrainBoth(AroundSharpened, m => new Sgd(m.Parameters(), 0.05), () => new MseLoss(), rows: 6, classes: 0, updateInBackward: true);

    [Fact]
    public void A_run_time_width_told_through_a_relu_with_momentum_matches_bit_for_bit() =>
        StepTwins.TrainBoth(AfterRelu, m => new Sgd(m.Parameters(), 0.1, momentum: 0.9), () => new MseLoss(), rows: 5, classes: 0);

    [Fact]
    public void A_warm_generated_step_around_a_run_time_width_layer_allocates_nothing()
    {
        Tensor.ManualSeed(6);
        foreach (var model in new[] { AroundSharpened(), AfterRelu() })
        {
            var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.01, momentum: 0.9), maxRows: 8);
            Assert.True(trainer.UsesGeneratedStep, model.LayerName);
            var x = Tensor.Randn(8, model.InputRowLength).Data.ToArray();
            var y = Tensor.Randn(8, model.OutputRowLength).Data.ToArray();
            Assert.Equal(0, Allocations.AfterWarmUp(() => trainer.Step(x, y, 8)));
        }
    }

    private static string StepName(ILayer model) => new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), maxRows: 2).StepName;
}
