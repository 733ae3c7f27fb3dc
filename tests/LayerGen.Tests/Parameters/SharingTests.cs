using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Parameters;

/// <summary>
/// Parameter sharing is object identity: the same layer at two positions, or the same tensor assigned
/// to two layers, is one parameter whose gradient accumulates from every use.
/// </summary>
/// <remarks>
/// Gradient check: L = Σ_i w_i y_i for fixed random w. The nets are ReLU and linear maps, so with the
/// ReLU pattern fixed L is a polynomial of degree 2 in a shared weight (it multiplies twice), and the
/// central difference (L(θ + h) − L(θ − h)) / 2h is exact for it: the only error is float rounding of
/// the forward, about 10⁻⁷·Σ|terms| ≈ 10⁻⁶ in L, i.e. 10⁻⁴ in the quotient for 2h = 0.02. Inputs are
/// drawn until every ReLU input is at least <see cref="Margin"/> from 0, more than a step of h can move
/// it, so the pattern is fixed. Tolerance 1e-3 + 1e-3·|g|: ten times the rounding, far below the size
/// of a missed use (which loses a whole term of the gradient).
/// </remarks>
public sealed class SharingTests
{
    private const float Step = 1e-2f;
    private const double Margin = 0.1;

    [Fact]
    public void A_layer_used_twice_accumulates_gradients_from_both_uses()
    {
        var shared = new Linear(4, 4);
        var net = new Sequential(shared, new ReLU(), shared);
        (Tensor x, float[] w) = Sample(seed => FillAll(seed, shared.Weight, shared.Bias), x =>
        {
            using (GradMode.NoGrad())
            {
                return shared.Call(x).Data; // the ReLU's input
            }
        });

        net.Call(x).Backward(Tensor.FromBuffer(w, x.Shape[0], 4));

        AssertGradientMatchesDifferences(net, x, w, shared.Weight, "shared.weight");
        AssertGradientMatchesDifferences(net, x, w, shared.Bias, "shared.bias");
    }

    [Fact]
    public void The_span_api_accumulates_the_same_gradients_as_calls()
    {
        var shared = new Linear(4, 4);
        var net = new Sequential(shared, new ReLU(), shared);
        FillAll(3, shared.Weight, shared.Bias);
        Tensor x = Init.Uniform(-1f, 1f, 5, 4);
        Tensor dy = Init.Uniform(-1f, 1f, 5, 4);

        net.Call(x).Backward(dy);
        float[] weightGrad = shared.Weight.Grad!.ToArray(), biasGrad = shared.Bias.Grad!.ToArray();
        net.ZeroGrad();

        var output = new float[20];
        var saved = new float[net.SavedLength(5)];
        net.ForwardSpan(5, x.Data, output, saved);
        net.BackwardSpan(5, x.Data, output, dy.Data, Span<float>.Empty, saved);

        AssertClose(weightGrad, shared.Weight.Grad!.Data);
        AssertClose(biasGrad, shared.Bias.Grad!.Data);
    }

    [Fact]
    public void A_shared_layer_is_listed_once_by_named_parameters_and_under_every_name_by_state_dict()
    {
        var shared = new Linear(3, 3);
        var net = new Sequential(shared, new ReLU(), shared, new Linear(3, 1));
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias"], net.NamedParameters().Select(p => p.Key));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"], net.StateDict().Keys);
    }

    [Fact]
    public void A_tensor_assigned_to_two_layers_is_one_parameter()
    {
        var first = new MyLinear(4, 4);
        var second = new MyLinear(4, 4);
        second.Weight = first.Weight;
        var net = new Sequential(first, second);

        Assert.Same(first.Weight, second.Weight);
        Assert.Equal(["0.weight", "0.bias", "1.bias"], net.NamedParameters().Select(p => p.Key));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], net.StateDict().Keys);

        (Tensor x, float[] w) = Sample(seed => FillAll(seed, first.Weight, first.Bias, second.Bias), x => MyLinearPreActivations(x, first, second));
        net.Call(x).Backward(Tensor.FromBuffer(w, x.Shape[0], 4));

        AssertGradientMatchesDifferences(net, x, w, first.Weight, "tied weight");
        AssertGradientMatchesDifferences(net, x, w, first.Bias, "0.bias");
        AssertGradientMatchesDifferences(net, x, w, second.Bias, "1.bias");
    }

    [Fact]
    public void An_optimiser_updates_a_shared_parameter_once_with_the_accumulated_gradient()
    {
        // lr = 0.5 is exact in float, so one update is exactly w - 0.5·g (one rounding); a second
        // update of the same tensor would subtract it again.
        var shared = new Linear(3, 3);
        var first = new MyLinear(3, 3);
        var second = new MyLinear(3, 3) { Weight = first.Weight };
        var net = new Sequential(shared, new ReLU(), shared, first, second);
        net.Call(Tensor.Rand(4, 3)).Sum().Backward();
        Tensor[] parameters = net.Parameters().ToArray();
        float[][] before = [.. parameters.Select(p => p.ToArray())];
        float[][] grads = [.. parameters.Select(p => p.Grad!.ToArray())];

        var sgd = new Sgd(parameters.Concat(net.StateDict().Keys.Select(_ => shared.Weight)), learningRate: 0.5);
        Assert.Equal(parameters.Length, sgd.Parameters.Count);
        sgd.Step();

        for (int k = 0; k < parameters.Length; k++)
        {
            Assert.Equal(before[k].Zip(grads[k], (w, g) => w - 0.5f * g), parameters[k].Data);
        }
    }

    [Fact]
    public void Assigning_a_tensor_of_another_shape_is_rejected()
    {
        var layer = new MyLinear(4, 3);
        Tensor before = layer.Weight;
        var e = Assert.Throws<ArgumentException>(() => layer.Weight = Tensor.Zeros(3, 4));
        Assert.Contains("[4, 3]", e.Message, StringComparison.Ordinal);
        Assert.Same(before, layer.Weight);
    }

    /// <summary>Draws parameters (through <paramref name="fill"/>), inputs and loss weights until every ReLU input is at least <see cref="Margin"/> from 0.</summary>
    private static (Tensor X, float[] W) Sample(Action<int> fill, Func<Tensor, float[]> reluInputs)
    {
        for (int seed = 1; seed < 1000; seed++)
        {
            fill(seed);
            var random = new Random(seed);
            Tensor x = Init.Custom(_ => (float)(random.NextDouble() * 2 - 1), 3, 4);
            if (reluInputs(x).All(z => Math.Abs(z) >= Margin))
            {
                float[] w = Enumerable.Range(0, 12).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                return (x, w);
            }
        }

        throw new InvalidOperationException("no sample keeps the ReLU inputs away from 0");
    }

    private static void FillAll(int seed, params Tensor[] tensors)
    {
        var random = new Random(seed * 7919);
        foreach (Tensor t in tensors)
        {
            Init.Custom(t, _ => (float)(random.NextDouble() - 0.5));
        }
    }

    /// <summary>The inputs of both ReLUs of first → second (MyLinear applies its ReLU inside), computed in double.</summary>
    private static float[] MyLinearPreActivations(Tensor x, MyLinear first, MyLinear second)
    {
        int rows = x.Shape[0];
        var result = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            double[] z1 = Affine(x.Data.AsSpan(r * 4, 4), first.Weight.Data, first.Bias.Data);
            double[] h = z1.Select(z => Math.Max(z, 0)).ToArray();
            double[] z2 = Affine(Array.ConvertAll(h, v => (float)v), second.Weight.Data, second.Bias.Data);
            result.AddRange(z1.Concat(z2).Select(z => (float)z));
        }

        return [.. result];

        static double[] Affine(ReadOnlySpan<float> input, float[] weight, float[] bias)
        {
            var z = new double[4];
            for (int j = 0; j < 4; j++)
            {
                z[j] = bias[j];
                for (int k = 0; k < 4; k++)
                {
                    z[j] += (double)input[k] * weight[k * 4 + j]; // weight [in, units]
                }
            }

            return z;
        }
    }

    private static void AssertGradientMatchesDifferences(ILayer net, Tensor x, float[] w, Tensor parameter, string what)
    {
        float[] analytic = parameter.Grad!.Data;
        float[] theta = parameter.Data;
        for (int i = 0; i < theta.Length; i++)
        {
            float original = theta[i];
            float plus = original + Step, minus = original - Step;
            theta[i] = plus;
            double up = Loss(net, x, w);
            theta[i] = minus;
            double down = Loss(net, x, w);
            theta[i] = original;

            double numeric = (up - down) / ((double)plus - minus);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-3 + 1e-3 * Math.Abs(analytic[i]),
                $"{what}[{i}]: analytic {analytic[i]:G6}, central difference {numeric:G6}");
        }
    }

    private static double Loss(ILayer net, Tensor x, float[] w)
    {
        using (GradMode.NoGrad())
        {
            float[] y = net.Call(x).Data;
            double loss = 0;
            for (int i = 0; i < y.Length; i++)
            {
                loss += (double)w[i] * y[i];
            }

            return loss;
        }
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 + 1e-6 * Math.Abs(expected[i]), $"[{i}]: {expected[i]} vs {actual[i]}");
        }
    }
}
