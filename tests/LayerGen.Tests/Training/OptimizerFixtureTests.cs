using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace LayerGen.Tests.Training;

/// <summary>
/// The optimisers against libtorch (optim_*.json): three training steps of
/// Linear(6,4) → tanh → Linear(4,2) with the mean squared error, from the fixture's parameters, through
/// the generated forward and backward kernels; the loss of every step and every parameter after every
/// step must match.
/// </summary>
/// <remarks>
/// Tolerance: 1e-5 relative plus 1e-6 absolute (parameters are O(0.1–1), so the absolute term only
/// matters near zero). The reference is float64; we run in float32, so the expected gap is a few float
/// roundings (~1e-7 relative) per step. The measured worst differences are written to the test output.
/// </remarks>
public sealed class OptimizerFixtureTests(ITestOutputHelper output)
{
    private const double Rtol = 1e-5;
    private const double Atol = 1e-6;

    public static TheoryData<string> Names() => new() { "optim_sgd", "optim_sgd_momentum_wd", "optim_adam", "optim_adamw" };

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_step_matches_libtorch(string name)
    {
        OptimFixture fixture = OptimFixture.Load(name);
        var net = new Sequential(new Linear(6, 4), new TanhLayer(), new Linear(4, 2));
        Assert.Equal("Linear[inFeatures=6, outFeatures=4]", net[0].KernelName); // emitted into this assembly, for these constants
        Assert.Equal("Linear[inFeatures=4, outFeatures=2]", net[2].KernelName);
        Dictionary<string, Tensor> parameters = net.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(fixture.Initial.Keys.Order(StringComparer.Ordinal), parameters.Keys.Order(StringComparer.Ordinal));
        foreach ((string key, FixtureTensor initial) in fixture.Initial)
        {
            Assert.Equal(initial.Shape, parameters[key].Shape.ToArray());
            initial.Data.CopyTo(parameters[key].Data, 0);
        }

        Tensor x = Tensor.From(fixture.Inputs["x"].Data, fixture.Inputs["x"].Shape);
        Tensor target = Tensor.From(fixture.Inputs["target"].Data, fixture.Inputs["target"].Shape);
        Optimizer optimizer = Create(fixture, net.Parameters());

        double worstLoss = 0, worstRelative = 0, worstAbsolute = 0;
        for (int step = 0; step < fixture.Steps.Count; step++)
        {
            OptimStep expected = fixture.Steps[step];
            optimizer.ZeroGrad();
            Tensor y = net.Call(x);
            Tensor loss = ((y - target) * (y - target)).Mean();
            loss.Backward();
            optimizer.Step();

            double lossDiff = Math.Abs(loss.Item() - expected.Loss);
            worstLoss = Math.Max(worstLoss, lossDiff / Math.Abs(expected.Loss));
            Assert.True(
                TensorAssert.IsClose(expected.Loss, loss.Item(), Atol, Rtol),
                $"{name} step {step}: loss {loss.Item():G9}, libtorch {expected.Loss:G9}");

            foreach ((string key, FixtureTensor after) in expected.Parameters)
            {
                Tensor actual = parameters[key];
                TensorAssert.Close(after, actual.Data, actual.Shape, $"{name} step {step} {key}", Atol, Rtol);
                for (int i = 0; i < after.Values.Length; i++)
                {
                    double diff = Math.Abs(actual.Data[i] - after.Values[i]);
                    worstAbsolute = Math.Max(worstAbsolute, diff);
                    worstRelative = Math.Max(worstRelative, diff / Math.Max(Math.Abs(after.Values[i]), 1e-3));
                }
            }
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: worst loss rel {worstLoss:G3}; worst parameter |diff| {worstAbsolute:G3}, rel {worstRelative:G3}"));
    }

    // The hyper-parameters in each fixture's description, checked so that a regenerated fixture with
    // other settings fails here rather than as a puzzling mismatch.
    private static Optimizer Create(OptimFixture fixture, IEnumerable<Tensor> parameters)
    {
        (string description, Func<IEnumerable<Tensor>, Optimizer> create) = fixture.Name switch
        {
            "optim_sgd" => ("SGD lr=0.1, no momentum", (Func<IEnumerable<Tensor>, Optimizer>)(p => new Sgd(p, 0.1))),
            "optim_sgd_momentum_wd" => ("SGD lr=0.05, momentum=0.9, weight_decay=0.01", p => new Sgd(p, 0.05, momentum: 0.9, weightDecay: 0.01)),
            "optim_adam" => ("Adam lr=0.01, betas=(0.9,0.999), eps=1e-8", p => new Adam(p, 0.01)),
            "optim_adamw" => ("AdamW lr=0.01, betas=(0.9,0.999), eps=1e-8, weight_decay=0.1", p => new AdamW(p, 0.01, weightDecay: 0.1)),
            _ => throw new ArgumentException($"No optimiser for fixture {fixture.Name}."),
        };
        Assert.StartsWith(description, fixture.Description, StringComparison.Ordinal);
        return create(parameters);
    }
}
