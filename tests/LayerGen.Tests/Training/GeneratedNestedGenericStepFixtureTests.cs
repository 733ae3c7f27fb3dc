using System;
using System.Linq;
using System.Text.Json;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using LayerGen.Tests.Layers.Generic;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The generated whole-model step of a Sequential holding a generic layer, a layer nested in a class and one nested in a
/// generic class, against PyTorch (Fixtures/step_nested_generic_ce_momentum.json, written by
/// tools/fixtures/training_step_fixtures.py): four SGD-with-momentum steps on one batch, cross-entropy with class labels,
/// in float64; each step's loss and the parameters after it. The default fixture tolerances (atol 1e-5, rtol 1e-4).
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class GeneratedNestedGenericStepFixtureTests
{
    [Fact]
    public void Four_momentum_steps_of_nested_and_generic_layers_match_torch_through_the_generated_step()
    {
        const string name = "step_nested_generic_ce_momentum";
        using JsonDocument document = FixtureJson.Open(FixtureJson.PathOf(name));
        JsonElement root = document.RootElement;
        var model = new Sequential(new TaggedLinear<Encoder>(10, 8), new NestedBlocks.Gate(8), new Blocks<Decoder>.Scale(8), new Linear(8, 5));
        foreach (var (parameterName, tensor) in FixtureJson.TensorMap(root, "initial", name))
        {
            tensor.Data.CopyTo(model.GetParameter(parameterName).Data);
        }

        var sgd = new Sgd(model.Parameters(), root.GetProperty("lr").GetDouble(), momentum: root.GetProperty("momentum").GetDouble());
        var trainer = new Trainer(model, new CrossEntropyLoss(5), sgd, maxRows: 6);
        Assert.Equal("generated step: TaggedLinear[inUnits=10, units=8] → Gate[n=8] → Scale[n=8] → Linear[inFeatures=8, outFeatures=5]", trainer.StepName);
        var x = FixtureTensor.Parse(root.GetProperty("inputs").GetProperty("x"), "x");
        Tensor features = Tensor.From(x.Data, x.Shape);
        int[] labels = root.GetProperty("labels").GetProperty("data").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        int step = 0;
        foreach (JsonElement expected in root.GetProperty("steps").EnumerateArray())
        {
            string at = $"step {++step}";
            float loss = trainer.Step(features, labels);
            double torchLoss = expected.GetProperty("loss").GetDouble();
            Assert.True(TensorAssert.IsClose(torchLoss, loss), $"{at}: loss {loss}, torch {torchLoss}");
            foreach (var (parameterName, parameter) in FixtureJson.TensorMap(expected, "parameters", at))
            {
                TensorAssert.Close(parameter, model.GetParameter(parameterName).Data, parameter.Shape, $"{at}: {parameterName} after the step");
            }
        }
    }
}
