using System;
using System.Text.Json;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The generated whole-model training step of a Sequential holding the user's own layers, against PyTorch
/// (Fixtures/step_user_layers_mse_momentum.json, written by tools/fixtures/training_step_fixtures.py):
/// Sequential(MyLinear(12, 16), Linear(16, 6), CenteredLayer()) trained four SGD-with-momentum steps on one batch, MSE,
/// in float64; each step's loss and the parameters after it. Float32 against float64 over four steps: the default
/// fixture tolerances (atol 1e-5, rtol 1e-4).
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class GeneratedUserLayerStepFixtureTests
{
    [Fact]
    public void Four_momentum_steps_of_user_layers_around_a_linear_match_torch_through_the_generated_step()
    {
        using JsonDocument document = FixtureJson.Open(FixtureJson.PathOf("step_user_layers_mse_momentum"));
        JsonElement root = document.RootElement;
        var model = new Sequential(new MyLinear(12, 16), new Linear(16, 6), new CenteredLayer());
        foreach (var (name, tensor) in FixtureJson.TensorMap(root, "initial", "step_user_layers_mse_momentum"))
        {
            tensor.Data.CopyTo(model.GetParameter(name).Data);
        }

        var sgd = new Sgd(model.Parameters(), root.GetProperty("lr").GetDouble(), momentum: root.GetProperty("momentum").GetDouble());
        var trainer = new Trainer(model, new MseLoss(), sgd, maxRows: 7);
        Assert.Equal("generated step: MyLinear[inUnits=12, units=16] → Linear[inFeatures=16, outFeatures=6] → CenteredLayer", trainer.StepName);
        var x = FixtureTensor.Parse(root.GetProperty("inputs").GetProperty("x"), "x");
        var target = FixtureTensor.Parse(root.GetProperty("inputs").GetProperty("target"), "target");
        Tensor features = Tensor.From(x.Data, x.Shape);
        Tensor targets = Tensor.From(target.Data, target.Shape);
        int step = 0;
        foreach (JsonElement expected in root.GetProperty("steps").EnumerateArray())
        {
            string at = $"step {++step}";
            float loss = trainer.Step(features, targets);
            double torchLoss = expected.GetProperty("loss").GetDouble();
            Assert.True(TensorAssert.IsClose(torchLoss, loss), $"{at}: loss {loss}, torch {torchLoss}");
            foreach (var (name, parameter) in FixtureJson.TensorMap(expected, "parameters", at))
            {
                TensorAssert.Close(parameter, model.GetParameter(name).Data, parameter.Shape, $"{at}: {name} after the step");
            }
        }
    }
}
