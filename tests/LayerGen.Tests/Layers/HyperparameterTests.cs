using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.Hyperparameters;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Float, double and bool constructor parameters (issue 16) through the generated kernels: against PyTorch
/// (Fixtures/hyper_*.json, tools/fixtures/make_fixtures.py), against finite differences of the generated forward,
/// and against the eager path — each on the kernel specialised for constant sizes and on the run-time-bounded one.
/// Hyperparameters never choose the kernel: a value read from a variable still runs the specialised kernel when the
/// sizes are constants, so both kernels are reached by the sizes alone.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class HyperparameterTests
{
    /// <summary>A value the generator cannot see at the construction site (it reads like a configuration value).</summary>
    private static T FromVariable<T>(T value) => value;

    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Dropout_probability_from_the_constructor_matches_PyTorch_in_eval_mode(string kernel)
    {
        var layer = kernel == "specialised" ? new DropoutMlp(5, 7, 0.5f) : new DropoutMlp(FromVariable(4), FromVariable(9), FromVariable(0.5f));
        Assert.Equal(kernel == "specialised" ? "DropoutMlp[numInputs=5, numHiddens=7]" : "DropoutMlp[run-time sizes]", layer.KernelName);
        layer.Train(false);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(Name("hyper_dropout_mlp_eval", kernel)));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Dropout_probability_from_the_constructor_draws_the_eager_mask_and_drops_that_fraction(string kernel)
    {
        const float p = 0.3f;
        var layer = kernel == "specialised" ? new DropoutMlp(5, 64, FromVariable(p)) : new DropoutMlp(FromVariable(5), FromVariable(63), p);
        Assert.Equal(kernel == "specialised" ? "DropoutMlp[numInputs=5, numHiddens=64]" : "DropoutMlp[run-time sizes]", layer.KernelName);
        var x = Tensor.Randn(200, 5);
        x.RequiresGrad = true;
        var dy = Tensor.Randn(200, layer.OutputRowLength);

        Tensor.ManualSeed(99);
        var generated = layer.Call(x);
        generated.Backward(dy);
        var generatedGrads = layer.NamedParameters().Select(n => n.Value.Grad!.ToArray()).Append(x.Grad!.ToArray()).ToList();

        layer.ZeroGrad();
        x.Grad = null;
        Tensor.ManualSeed(99);
        var eager = layer.CallEager(x);
        eager.Backward(dy);
        var eagerGrads = layer.NamedParameters().Select(n => n.Value.Grad!.ToArray()).Append(x.Grad!.ToArray()).ToList();

        // The same draws in the same order as the eager Ops.Dropout with the same p; the matmul's sums may round apart.
        Close(eager.Data, generated.Data, "output", 1e-5);
        for (int i = 0; i < eagerGrads.Count; i++)
        {
            Close(eagerGrads[i], generatedGrads[i], $"gradient {i}", 1e-4);
        }

        // Of ~6,400 active elements (relu keeps about half), each dropped with probability 0.3: within 5 standard deviations (0.03) of it.
        using (GradMode.NoGrad())
        {
            layer.Train(false);
            var kept = layer.Call(x);
            layer.Train(true);
            Tensor.ManualSeed(7);
            var dropped = layer.Call(x);
            int active = 0, zeroed = 0;
            for (int i = 0; i < kept.Count; i++)
            {
                if (kept.Data[i] > 0)
                {
                    active++;
                    zeroed += dropped.Data[i] == 0 ? 1 : 0;
                    if (dropped.Data[i] != 0)
                    {
                        Assert.True(TensorAssert.IsClose(kept.Data[i] / (1 - p), dropped.Data[i], 0, 1e-6), $"element {i}: kept values are scaled by 1/(1 - p)");
                    }
                }
            }

            Assert.InRange(zeroed / (double)active, p - 0.03, p + 0.03);
        }
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    public void A_dropout_probability_outside_0_1_is_refused_when_the_kernel_runs(float p)
    {
        var layer = new DropoutMlp(5, 7, FromVariable(p));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Call(Tensor.Randn(2, 5)));
        Assert.Contains("the dropout probability dropout must be in [0, 1)", error.Message);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_scale_of_one_over_sqrt_d_and_a_float_temperature_match_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new ScaledScores(6, 3, 0.75f) : new ScaledScores(FromVariable(5), 3, 0.75f);
        Assert.Equal(kernel == "specialised" ? "ScaledScores[d=6, units=3]" : "ScaledScores[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(Name("hyper_scaled_scores", kernel)));
    }

    [Theory]
    [InlineData("specialised", "hyper_layer_norm_eps_default")]
    [InlineData("run-time", "hyper_layer_norm_eps_default")]
    [InlineData("specialised", "hyper_layer_norm_eps_large")]
    [InlineData("run-time", "hyper_layer_norm_eps_large")]
    public void Layer_norm_with_eps_from_the_constructor_matches_PyTorch(string kernel, string fixture)
    {
        NormWithEps layer = (kernel, fixture) switch
        {
            ("specialised", "hyper_layer_norm_eps_default") => new NormWithEps(6),
            ("specialised", _) => new NormWithEps(6, 0.25f),
            (_, "hyper_layer_norm_eps_default") => new NormWithEps(FromVariable(7)),
            _ => new NormWithEps(FromVariable(7), FromVariable(0.25f)),
        };
        Assert.Equal(kernel == "specialised" ? "NormWithEps[n=6]" : "NormWithEps[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(Name(fixture, kernel)));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void An_exponent_clamp_bounds_and_a_double_slope_from_the_constructor_match_PyTorch(string kernel)
    {
        var layer = kernel == "specialised"
            ? new ShapedActivation(8, 2.25f, 0.5f, 0.125, true)
            : new ShapedActivation(FromVariable(9), 2.25f, FromVariable(0.5f), 0.125, false);
        Assert.Equal(kernel == "specialised" ? "ShapedActivation[n=8]" : "ShapedActivation[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(Name("hyper_shaped_activation", kernel)));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Gradients_match_finite_differences_and_outputs_the_eager_path(string kernel)
    {
        bool constant = kernel == "specialised";
        var random = new Random(16);
        var layers = new (ILayer Layer, int Features, Spec Input)[]
        {
            (constant ? new ScaledScores(6, 3, 0.75f) : new ScaledScores(FromVariable(5), 3, 0.75f), constant ? 6 : 5, Spec.Default),
            (constant ? new NormWithEps(6, 0.25f) : new NormWithEps(FromVariable(7), 0.25f), constant ? 6 : 7, Spec.Default),
            // Bounds wide enough that no element sits within a step of a clamp corner; |x·scale| kept off 0.
            (constant ? new ShapedActivation(8, 2.25f, 4f, 0.125, true) : new ShapedActivation(FromVariable(9), 2.25f, 4f, 0.125, true), constant ? 8 : 9, new Spec(Away: 0.3)),
            (constant ? new DropoutMlp(5, 7, 0.5f) : new DropoutMlp(FromVariable(4), 9, 0.5f), constant ? 5 : 4, new Spec(Away: 0.3)),
        };

        foreach (var (layer, features, input) in layers)
        {
            Assert.Equal(!constant, layer.KernelName.EndsWith("[run-time sizes]", StringComparison.Ordinal));
            layer.Train(false); // dropout draws a new mask per call: finite differences need the same function each time
            var parameters = layer.NamedParameters().ToDictionary(p => p.Key, p => layer is ShapedActivation ? new Spec(0.5, 1.5) : Spec.Default);
            var x = LayerGradCheck.Prepare(layer, new[] { 4, features }, random, input, parameters);
            var dy = LayerGradCheck.OutputGradient(layer.Call, x, random);
            LayerGradCheck.AssertClose(layer.KernelName, LayerGradCheck.Compare(layer, layer.Call, x, dy));

            using (GradMode.NoGrad())
            {
                var generated = layer.Call(x);
                var eager = layer.CallEager(x);
                Close(eager.Data, generated.Data, $"{layer.KernelName} against CallEager", 1e-5);
            }
        }
    }

    [Fact]
    public void A_parameter_initialiser_scaled_by_a_hyperparameter_keeps_the_factory_shape()
    {
        Tensor.ManualSeed(5);
        var layer = new SoftmaxRegression(40, 30, FromVariable(0.01f));
        Assert.Equal("SoftmaxRegression[numInputs=40, numOutputs=30]", layer.KernelName);
        var named = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(new[] { 40, 30 }, named["w"].Shape.ToArray());
        Assert.Equal(new[] { 30 }, named["b"].Shape.ToArray());
        double rms = Math.Sqrt(named["w"].Data.Average(v => (double)v * v));
        Assert.InRange(rms, 0.009, 0.011); // N(0, 1) times sigma = 0.01, over 1,200 values
        Assert.All(named["b"].Data, v => Assert.Equal(0.01f, v));

        var x = Tensor.Randn(3, 40);
        using (GradMode.NoGrad())
        {
            Close(layer.CallEager(x).Data, layer.Call(x).Data, "softmax regression against CallEager", 1e-5);
        }
    }

    /// <summary>The fixture for this kernel: the run-time one's has sizes no constant construction uses.</summary>
    private static string Name(string fixture, string kernel) => kernel == "specialised" ? fixture : fixture + "_runtime";

    private static void Close(float[] expected, float[] actual, string what, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(TensorAssert.IsClose(expected[i], actual[i], tolerance, tolerance), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }
}
