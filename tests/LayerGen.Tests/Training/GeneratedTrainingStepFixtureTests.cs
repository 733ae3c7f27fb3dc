using System;
using System.Linq;
using System.Text.Json;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The generated whole-model training step against PyTorch (Fixtures/step_mlp_ce_sgd.json, written by
/// tools/fixtures/training_step_fixtures.py): nn.Sequential(Linear(20, 16), ReLU(), Linear(16, 5)) trained four SGD
/// steps on one batch, cross-entropy with class labels, in float64; each step's loss and the parameters after it. Float32
/// against float64 over four steps: the default fixture tolerances (atol 1e-5, rtol 1e-4) hold with room to spare.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class GeneratedTrainingStepFixtureTests
{
    [Fact]
    public void Four_SGD_steps_of_an_mlp_on_cross_entropy_match_torch_through_the_generated_step()
    {
        using JsonDocument document = FixtureJson.Open(FixtureJson.PathOf("step_mlp_ce_sgd"));
        JsonElement root = document.RootElement;
        var model = new Sequential(new Linear(20, 16), new ReLU(), new Linear(16, 5));
        foreach (var (name, tensor) in FixtureJson.TensorMap(root, "initial", "step_mlp_ce_sgd"))
        {
            tensor.Data.CopyTo(model.GetParameter(name).Data);
        }

        var trainer = new Trainer(model, new CrossEntropyLoss(5), new Sgd(model.Parameters(), root.GetProperty("lr").GetDouble()), maxRows: 8);
        Assert.Equal("generated step: Linear[inFeatures=20, outFeatures=16] → ReLU → Linear[inFeatures=16, outFeatures=5]", trainer.StepName);
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
            foreach (var (name, parameter) in FixtureJson.TensorMap(expected, "parameters", at))
            {
                TensorAssert.Close(parameter, model.GetParameter(name).Data, parameter.Shape, $"{at}: {name} after the step");
            }
        }
    }
}
