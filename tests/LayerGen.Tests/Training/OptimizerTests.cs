using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The optimisers' settings beyond the libtorch fixtures, against the double-precision transcription of
/// PyTorch's updates (<see cref="ReferenceSgd"/>, <see cref="ReferenceAdam"/>); and their contract:
/// shared parameters, missing gradients, zero allocation, argument checks.
/// </summary>
public sealed class OptimizerTests
{
    // Lengths that exercise the Vector<float> body, its scalar tail, and a tail alone.
    private static readonly int[] Lengths = [37, 16, 3, 1];

    public static TheoryData<string> Settings() => new()
    {
        "sgd", "sgd wd", "sgd momentum", "sgd momentum dampening wd", "sgd nesterov wd",
        "adam", "adam wd", "adam amsgrad", "adamw", "adamw amsgrad", "adam beta1 0.3",
    };

    private static (Func<IEnumerable<Tensor>, Optimizer> Ours, Func<Action<double[], double[]>> Reference) Setting(string name) => name switch
    {
        "sgd" => (p => new Sgd(p, 0.1), () => new ReferenceSgd(0.1).Step),
        "sgd wd" => (p => new Sgd(p, 0.1, weightDecay: 0.03), () => new ReferenceSgd(0.1, weightDecay: 0.03).Step),
        "sgd momentum" => (p => new Sgd(p, 0.1, momentum: 0.9), () => new ReferenceSgd(0.1, momentum: 0.9).Step),
        "sgd momentum dampening wd" => (p => new Sgd(p, 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.02),
            () => new ReferenceSgd(0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.02).Step),
        "sgd nesterov wd" => (p => new Sgd(p, 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true),
            () => new ReferenceSgd(0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true).Step),
        "adam" => (p => new Adam(p, 0.01), () => new ReferenceAdam(0.01).Step),
        "adam wd" => (p => new Adam(p, 0.01, weightDecay: 0.1), () => new ReferenceAdam(0.01, weightDecay: 0.1).Step),
        "adam amsgrad" => (p => new Adam(p, 0.02, beta2: 0.9, amsgrad: true), () => new ReferenceAdam(0.02, beta2: 0.9, amsgrad: true).Step),
        "adamw" => (p => new AdamW(p, 0.01), () => new ReferenceAdam(0.01, weightDecay: 1e-2, decoupled: true).Step),
        "adamw amsgrad" => (p => new AdamW(p, 0.01, weightDecay: 0.1, amsgrad: true),
            () => new ReferenceAdam(0.01, weightDecay: 0.1, amsgrad: true, decoupled: true).Step),
        // 1 - beta1 >= 0.5 takes the other branch of PyTorch's lerp.
        "adam beta1 0.3" => (p => new Adam(p, 0.01, beta1: 0.3), () => new ReferenceAdam(0.01, beta1: 0.3).Step),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Matches_pytorchs_update_in_double_over_several_steps(string name)
    {
        (Func<IEnumerable<Tensor>, Optimizer> ours, Func<Action<double[], double[]>> reference) = Setting(name);
        var random = new Random(17);
        Tensor[] parameters = Lengths.Select(n => Tensor.From(Draw(random, n)).AsParameter()).ToArray();
        double[][] expected = parameters.Select(p => p.Data.Select(v => (double)v).ToArray()).ToArray();
        Action<double[], double[]>[] references = parameters.Select(_ => reference()).ToArray();
        Optimizer optimizer = ours(parameters);

        for (int step = 0; step < 6; step++)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                // Gradients of mixed scale, a few exact zeros, the same floats for both sides.
                float[] grad = Draw(random, parameters[i].Count);
                grad[0] = 0;
                parameters[i].Grad = Tensor.From(grad);
                references[i](expected[i], grad.Select(v => (double)v).ToArray());
            }

            optimizer.Step();
            for (int i = 0; i < parameters.Length; i++)
            {
                var want = new FixtureTensor([parameters[i].Count], expected[i]);
                TensorAssert.Close(want, parameters[i].Data, parameters[i].Shape, $"{name} step {step} parameter {i}", atol: 1e-6, rtol: 1e-5);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void A_shared_parameter_is_updated_once(string name)
    {
        Func<IEnumerable<Tensor>, Optimizer> create = Setting(name).Ours;
        Tensor once = Tensor.From(1f, -2f, 3f).AsParameter();
        Tensor twice = Tensor.From(1f, -2f, 3f).AsParameter();
        Optimizer single = create([once]);
        Optimizer shared = create([twice, twice, twice]);
        Assert.Single(shared.Parameters);
        for (int step = 0; step < 3; step++)
        {
            once.Grad = Tensor.From(0.5f, 0.25f, -1f);
            twice.Grad = Tensor.From(0.5f, 0.25f, -1f);
            single.Step();
            shared.Step();
            Assert.Equal(once.Data, twice.Data);
        }
    }

    [Fact]
    public void A_layer_used_twice_has_its_parameters_updated_once()
    {
        var shared = new Linear(3, 3);
        var net = new Sequential(shared, new TanhLayer(), shared);
        float[] before = shared.Weight.ToArray();
        var sgd = new Sgd(net.Parameters().Concat(net.Parameters()).Concat([shared.Weight]), 0.1);
        Assert.Equal(2, sgd.Parameters.Count);

        net.Call(Tensor.From([0.5f, -1f, 2f], 1, 3)).Sum().Backward();
        float[] grad = shared.Weight.Grad!.ToArray();
        sgd.Step();
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i] + -0.1f * grad[i], shared.Weight.Data[i]);
        }
    }

    [Fact]
    public void Parameters_without_a_gradient_are_skipped_and_their_state_waits()
    {
        Tensor a = Tensor.From(1f, 2f).AsParameter();
        Tensor b = Tensor.From(3f, 4f).AsParameter();
        var adam = new Adam([a, b], 0.1);
        a.Grad = Tensor.From(1f, -1f);
        adam.Step();
        adam.Step();
        Assert.Equal([3f, 4f], b.Data);
        Assert.Equal(2, adam.StepCount(0));
        Assert.Equal(0, adam.StepCount(1));

        // b's first update is a first Adam step (bias correction with t = 1): lr * sign(grad).
        b.Grad = Tensor.From(0.5f, -0.5f);
        adam.Step();
        Assert.Equal(1, adam.StepCount(1));
        Assert.Equal(2.9f, b.Data[0], 1e-6f);
        Assert.Equal(4.1f, b.Data[1], 1e-6f);
    }

    [Fact]
    public void ZeroGrad_zeroes_in_place_and_leaves_missing_gradients_missing()
    {
        Tensor a = Tensor.From(1f, 2f).AsParameter();
        Tensor b = Tensor.From(3f).AsParameter();
        a.Grad = Tensor.From(5f, 6f);
        Tensor buffer = a.Grad;
        new Sgd([a, b], 0.1).ZeroGrad();
        Assert.Same(buffer, a.Grad);
        Assert.Equal([0f, 0f], a.Grad.Data);
        Assert.Null(b.Grad);
    }

    [Fact]
    public void The_learning_rate_can_be_changed_between_steps()
    {
        Tensor p = Tensor.From(1f).AsParameter();
        p.Grad = Tensor.From(2f);
        var sgd = new Sgd([p], 0.1);
        sgd.LearningRate = 0.25;
        sgd.Step();
        Assert.Equal(0.5f, p.Data[0]);
        sgd.LearningRate = 0;
        sgd.Step();
        Assert.Equal(0.5f, p.Data[0]);
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void A_warm_step_allocates_nothing(string name)
    {
        var random = new Random(3);
        Tensor[] parameters = Lengths.Select(n => Tensor.From(Draw(random, n)).AsParameter()).ToArray();
        foreach (Tensor p in parameters)
        {
            p.Grad = Tensor.From(Draw(random, p.Count));
        }

        Optimizer optimizer = Setting(name).Ours(parameters);
        // (The first step of SGD with momentum takes its own path: the warm-up covers it.)
        Assert.Equal(0, Allocations.AfterWarmUp(() =>
        {
            optimizer.ZeroGrad();
            optimizer.Step();
        }, calls: 10));
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_vector_body_and_the_scalar_tail_agree_bit_for_bit(string name)
    {
        // 131 floats: with AVX-512, a head of up to 14 in the narrower widths (to align the stores), pairs of
        // 16-lane vectors and maybe a single one, then 8, 4 and single floats for the tail; which of them run
        // depends on where the array landed, so n is large enough for every path. The same values as 131
        // one-element tensors go through the scalar path alone; a fused multiply-add or another order of
        // operations in any width would show as a last-bit difference.
        const int n = 131;
        Func<IEnumerable<Tensor>, Optimizer> create = Setting(name).Ours;
        var random = new Random(11);
        float[] start = Draw(random, n);
        Tensor whole = Tensor.From(start).AsParameter();
        Tensor[] singles = start.Select(v => Tensor.From(v).AsParameter()).ToArray();
        Optimizer vectorised = create([whole]);
        Optimizer scalar = create(singles);
        for (int step = 0; step < 4; step++)
        {
            float[] grad = Draw(random, n);
            whole.Grad = Tensor.From(grad);
            for (int i = 0; i < n; i++)
            {
                singles[i].Grad = Tensor.From(grad[i]);
            }

            vectorised.Step();
            scalar.Step();
            Assert.Equal(singles.Select(p => p.Data[0]), whole.Data);
        }
    }

    [Fact]
    public void Invalid_arguments_are_rejected_with_pytorchs_reasons()
    {
        Tensor p = Tensor.From(1f).AsParameter();
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], 0.1, momentum: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], 0.1, weightDecay: -1));
        Assert.Throws<ArgumentException>(() => new Sgd([p], 0.1, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd([p], 0.1, momentum: 0.9, dampening: 0.1, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], beta1: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], beta2: -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([p], epsilon: -1e-8));
        Assert.Throws<ArgumentException>(() => new Adam([]));
        Assert.Throws<ArgumentException>(() => new Adam([p, null!]));
        Assert.Throws<ArgumentException>(() => new Adam([p * 2f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], 0.1).LearningRate = -1);
    }

    [Fact]
    public void AdamW_is_Adam_with_decoupled_decay_and_pytorchs_defaults()
    {
        Tensor p = Tensor.From(1f).AsParameter();
        var adamW = new AdamW([p]);
        Assert.IsAssignableFrom<Adam>(adamW);
        Assert.True(adamW.DecoupledWeightDecay);
        Assert.Equal(1e-2, adamW.WeightDecay);
        Assert.Equal(1e-3, adamW.LearningRate);
        var adam = new Adam([p]);
        Assert.False(adam.DecoupledWeightDecay);
        Assert.Equal(0, adam.WeightDecay);
        Assert.Equal((0.9, 0.999, 1e-8), (adam.Beta1, adam.Beta2, adam.Epsilon));
    }

    private static float[] Draw(Random random, int n)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            // Mixed magnitudes: Adam normalises per element, so small gradients matter as much as large ones.
            values[i] = (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-3, 1)));
        }

        return values;
    }
}
