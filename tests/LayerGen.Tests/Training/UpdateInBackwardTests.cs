using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Layers;
using LayerGen.Tests.Layers.Children;
using LayerGen.Tests.Layers.Exercises;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>A layer whose parameter gradient reads the parameter: it cannot take gradients into its parameters.</summary>
[Layer(Input = "[*, n]")]
public partial class SquaredShift(int n)
{
    [Parameter] private Tensor shift = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => x + shift * shift;
}

/// <summary>Two parameters of one shape, so that one tensor can be assigned to both.</summary>
[Layer(Input = "[*, n]")]
public partial class ScaleShift(int n)
{
    [Parameter] private Tensor scale = Tensor.Randn(n);
    [Parameter] private Tensor shift = Tensor.Randn(n);

    private Tensor Forward(Tensor x) => x * scale + shift;
}

/// <summary>
/// <see cref="Trainer"/> with <c>updateInBackward: true</c>: the loss gradient scaled by −lr, each generated
/// backward adding its gradients straight into its parameters. The oracle is independent of the generated
/// kernels: the same layers' eager definitions (<c>CallEager</c>, the reference ops' autograd), an eager MSE
/// and p ← p − lr·g, on a twin model built from the same seed. Rounding differs (−lr is applied to the loss
/// gradient, and the kernels sum in another order), so the weights must agree to a tolerance, step after step.
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // builds twins from one seed: no other test may draw in between
public class UpdateInBackwardTests
{
    private const float Lr = 0.05f;

    private sealed record Model(ILayer Layer, Func<Tensor, Tensor> EagerForward, Tensor[] EagerParameters);

    private static void TrainsLikeEagerSgd(Func<Model> build, int rows, int steps = 4)
    {
        Model fused = build();
        Model twin = build();
        var sgd = new Sgd(fused.Layer.Parameters(), Lr);
        var trainer = new Trainer(fused.Layer, new MseLoss(), sgd, maxRows: rows, updateInBackward: true);
        Assert.True(trainer.UpdatesInBackward);
        int outputs = rows * fused.Layer.OutputRowLength;

        Tensor.ManualSeed(99);
        for (int step = 0; step < steps; step++)
        {
            var x = Tensor.Randn(rows, fused.Layer.InputRowLength);
            var target = Tensor.Randn(outputs);
            float loss = trainer.Step(x.Data, target.Data, rows);
            float eagerLoss = EagerSgdStep(twin, x, target);

            Assert.True(MathF.Abs(loss - eagerLoss) <= 1e-4f * (1f + MathF.Abs(eagerLoss)), $"step {step}: loss {loss}, eager {eagerLoss}");
            var ours = fused.Layer.Parameters().ToArray();
            Assert.Equal(twin.EagerParameters.Length, ours.Length);
            for (int p = 0; p < ours.Length; p++)
            {
                for (int i = 0; i < ours[p].Count; i++)
                {
                    float expected = twin.EagerParameters[p].Data[i];
                    float actual = ours[p].Data[i];
                    Assert.True(MathF.Abs(actual - expected) <= 2e-5f * (1f + MathF.Abs(expected)), $"step {step}, parameter {p}[{i}]: {actual}, eager SGD {expected}");
                }

                // The gradient was never stored: it reads as zeros (or was never created).
                Assert.True(ours[p].Grad is null || ours[p].Grad!.Data.All(g => g == 0f), $"parameter {p} has a gradient");
            }
        }
    }

    // Eager forward, mean squared error, the reference autograd, then p ← p − lr·g.
    private static float EagerSgdStep(Model twin, Tensor x, Tensor target)
    {
        foreach (var p in twin.EagerParameters)
        {
            p.Grad = null;
        }

        var y = twin.EagerForward(x).Reshape(target.Count);
        var difference = y - target;
        var loss = (difference * difference).Mean();
        loss.Backward();
        foreach (var p in twin.EagerParameters)
        {
            for (int i = 0; i < p.Count; i++)
            {
                p.Data[i] -= Lr * p.Grad!.Data[i];
            }
        }

        return loss.Item();
    }

    private static Model Chapter(int inputs)
    {
        Tensor.ManualSeed(3);
        var hidden = new MyLinear(inputs, 8);
        var output = new MyLinear(8, 1);
        return new Model(new Sequential(hidden, output), x => output.CallEager(hidden.CallEager(x)), [hidden.Weight, hidden.Bias, output.Weight, output.Bias]);
    }

    private static Model TanhMlp()
    {
        Tensor.ManualSeed(4);
        var l1 = new Linear(32, 64);
        var l2 = new Linear(64, 64);
        var l3 = new Linear(64, 1);
        var tanh = new Tanh();
        return new Model(
            new Sequential(l1, tanh, l2, new Tanh(), l3),
            x => l3.CallEager(tanh.CallEager(l2.CallEager(tanh.CallEager(l1.CallEager(x))))),
            [l1.Weight, l1.Bias, l2.Weight, l2.Bias, l3.Weight, l3.Bias]);
    }

    [Fact]
    public void The_chapter_net_with_constant_kernels_trains_as_eager_sgd()
    {
        Assert.Equal("MyLinear[inUnits=64, units=8]", Chapter(64).Layer is Sequential s ? s[0].KernelName : "");
        TrainsLikeEagerSgd(() => Chapter(64), rows: 2);
    }

    [Fact]
    public void The_chapter_net_with_run_time_sized_kernels_trains_as_eager_sgd()
    {
        Assert.Equal("MyLinear[run-time sizes]", ((Sequential)Chapter(13).Layer)[0].KernelName);
        TrainsLikeEagerSgd(() => Chapter(13), rows: 3);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void A_tanh_mlp_of_built_in_layers_trains_as_eager_sgd(int rows) => TrainsLikeEagerSgd(TanhMlp, rows);

    [Fact]
    public void Linear_then_centered_trains_as_eager_sgd() =>
        TrainsLikeEagerSgd(
            () =>
            {
                Tensor.ManualSeed(5);
                var linear = new Linear(8, 128);
                var centered = new CenteredLayer();
                return new Model(new Sequential(linear, centered), x => centered.CallEager(linear.CallEager(x)), [linear.Weight, linear.Bias]);
            },
            rows: 4);

    [Fact]
    public void The_tensor_reduction_einsum_trains_as_eager_sgd()
    {
        // Its backward computes the weight's gradient and, from the weight, the input's: with the weight's
        // gradient written last, the weight may take it directly (the generator orders them so).
        Func<Model> build = () =>
        {
            Tensor.ManualSeed(6);
            var layer = new TensorReduction(16, 8);
            var weight = layer.Weight.Data;
            for (int i = 0; i < weight.Length; i++)
            {
                weight[i] *= 0.1f; // outputs of order one, so that four steps stay in the tolerance's range
            }

            return new Model(layer, layer.CallEager, [layer.Weight]);
        };
        Assert.True(CanInto(build().Layer));
        TrainsLikeEagerSgd(build, rows: 8);
    }

    [Fact]
    public void A_layer_with_child_layers_trains_as_eager_sgd()
    {
        // TanhMlp calls two Linear children: its kernel runs their backwards into their parameters.
        Func<Model> build = () =>
        {
            Tensor.ManualSeed(7);
            var mlp = new TanhMlp(10, 16, 3);
            return new Model(mlp, x => mlp.Second.CallEager(Ops.Tanh(mlp.First.CallEager(x))), [mlp.First.Weight, mlp.First.Bias, mlp.Second.Weight, mlp.Second.Bias]);
        };
        Assert.True(CanInto(build().Layer));
        TrainsLikeEagerSgd(build, rows: 5);
    }

    [Fact]
    public void A_layer_with_a_child_and_a_parameter_of_its_own_trains_as_eager_sgd()
    {
        // The layer's own gradient step (for scale) runs after the child's backward, and the child's input
        // gradient flows on to the Linear before it.
        Func<Model> build = () =>
        {
            Tensor.ManualSeed(9);
            var linear = new Linear(4, 6);
            var scaled = new ScaledChild(6);
            return new Model(
                new Sequential(linear, scaled),
                x => Ops.Tanh(scaled.Inner.CallEager(linear.CallEager(x))) * scaled.Scale,
                [linear.Weight, linear.Bias, scaled.Scale, scaled.Inner.Weight, scaled.Inner.Bias]);
        };
        Assert.True(CanInto(build().Layer));
        TrainsLikeEagerSgd(build, rows: 3);
    }

    [Fact]
    public void A_residual_block_after_a_linear_layer_trains_as_eager_sgd()
    {
        // The block's input gradient sums the child's and the skip connection's, and flows on to the Linear.
        Func<Model> build = () =>
        {
            Tensor.ManualSeed(8);
            var linear = new Linear(5, 6);
            var block = new ResidualBlock(6);
            var weight = block.Inner.Weight.Data;
            for (int i = 0; i < weight.Length; i++)
            {
                weight[i] *= 0.3f;
            }

            return new Model(
                new Sequential(linear, block),
                x =>
                {
                    var h = linear.CallEager(x);
                    return h + block.Inner.CallEager(h);
                },
                [linear.Weight, linear.Bias, block.Inner.Weight]);
        };
        TrainsLikeEagerSgd(build, rows: 3);
    }

    [Fact]
    public void A_layer_that_calls_its_child_twice_does_not_offer_it()
    {
        // The child's second backward would read parameters its first had changed.
        var twice = new TwiceThrough(4);
        Assert.False(CanInto(twice));
        var error = Assert.Throws<ArgumentException>(() => new Trainer(twice, new MseLoss(), new Sgd(twice.Parameters(), 0.1), 4, updateInBackward: true));
        Assert.Contains("the model (TwiceThrough)", error.Message);
        Assert.Contains("calls a child layer twice", error.Message);
    }

    [Fact]
    public void A_tensor_shared_by_two_children_of_a_generated_layer_is_refused()
    {
        var mlp = new TanhMlp(4, 4, 4);
        mlp.Second.Weight = mlp.First.Weight;
        Assert.False(CanInto(mlp));
        var error = Assert.Throws<ArgumentException>(() => new Trainer(mlp, new MseLoss(), new Sgd(mlp.Parameters(), 0.1), 4, updateInBackward: true));
        Assert.Contains("the model (TanhMlp) holds one tensor in two places", error.Message);
    }

    [Fact]
    public void Plain_sgd_is_required()
    {
        var model = new Sequential(new Linear(4, 2));
        var adam = Assert.Throws<ArgumentException>(() => new Trainer(model, new MseLoss(), new Adam(model.Parameters(), 0.01), 4, updateInBackward: true));
        Assert.Contains("plain SGD", adam.Message);
        Assert.Contains("Adam", adam.Message);
        var momentum = Assert.Throws<ArgumentException>(() => new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1, momentum: 0.9), 4, updateInBackward: true));
        Assert.Contains("momentum 0.9", momentum.Message);
        var decay = Assert.Throws<ArgumentException>(() => new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1, weightDecay: 0.01), 4, updateInBackward: true));
        Assert.Contains("weight decay 0.01", decay.Message);
        Assert.False(new Trainer(model, new MseLoss(), new Adam(model.Parameters(), 0.01), 4).UpdatesInBackward);
    }

    [Fact]
    public void A_parameter_outside_the_optimiser_that_requires_grad_is_refused_rather_than_trained()
    {
        var model = new Sequential(new Linear(4, 3), new Tanh(), new Linear(3, 2));
        var onlyLast = ((Sequential)model)[2].Parameters();
        var error = Assert.Throws<ArgumentException>(() => new Trainer(model, new MseLoss(), new Sgd(onlyLast, 0.1), 4, updateInBackward: true));
        Assert.Contains("parameter '0.weight' is not in the optimiser but requires grad", error.Message);
    }

    [Fact]
    public void A_layer_at_two_positions_is_refused()
    {
        var shared = new Linear(4, 4);
        var model = new Sequential(shared, new Tanh(), shared);
        Assert.False(model.CanBackwardIntoParameters);
        var error = Assert.Throws<ArgumentException>(() => new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), 4, updateInBackward: true));
        Assert.Contains("one layer with parameters at two positions", error.Message);

        // A layer without parameters may sit at two positions: its backward changes nothing the other reads.
        var relu = new ReLU();
        Assert.True(new Sequential(new Linear(4, 4), relu, new Linear(4, 4), relu).CanBackwardIntoParameters);
    }

    [Fact]
    public void A_layer_whose_gradient_reads_its_parameter_does_not_offer_it()
    {
        // d(x + s·s)/ds = 2·s·Σ dy reads s in the step that writes s's gradient. The generator's check accepts
        // only reads strictly before the first write (it does not prove that each element is read before it is
        // written), so the layer does not implement IBackwardIntoParameters.
        ILayer squared = new SquaredShift(3);
        Assert.False(CanInto(squared));
        Assert.IsNotAssignableFrom<IBackwardIntoParameters>(squared);
        var model = new Sequential(new Linear(3, 3), squared);
        var error = Assert.Throws<ArgumentException>(() => new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), 4, updateInBackward: true));
        Assert.Contains("layer '1' (SquaredShift)", error.Message);
        Assert.True(new ScaleShift(3).CanBackwardIntoParameters);
    }

    [Fact]
    public void A_layer_holding_one_tensor_as_two_parameters_is_refused()
    {
        var layer = new ScaleShift(3);
        layer.Shift = layer.Scale;
        Assert.False(layer.CanBackwardIntoParameters);
        var saved = new float[layer.SavedLength(1)];
        Assert.Throws<InvalidOperationException>(() => layer.BackwardSpanIntoParameters(1, new float[3], new float[3], new float[3], Span<float>.Empty, saved));
    }

    [Fact]
    public void A_hand_written_layer_with_parameters_is_refused()
    {
        ILayer handWritten = new HandLinear(2, 2, new Random(1));
        Assert.False(CanInto(handWritten));
        var model = new Sequential(new Linear(2, 2), handWritten);
        var error = Assert.Throws<ArgumentException>(() => new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), 4, updateInBackward: true));
        Assert.Contains("layer '1' (HandLinear)", error.Message);
        Assert.Contains("holds parameters and does not implement IBackwardIntoParameters", error.Message);
    }

    [Fact]
    public void A_layer_without_parameters_needs_no_backward_into_parameters()
    {
        // Its plain backward writes no parameter gradient: generated ones do not implement the interface, and
        // parents run their plain backward in this mode, hand-written ones included.
        Assert.IsNotAssignableFrom<IBackwardIntoParameters>(new CenteredLayer());
        Assert.IsNotAssignableFrom<IBackwardIntoParameters>(new ReLU());
        Assert.IsNotAssignableFrom<IBackwardIntoParameters>(new SealedCentered());
        Assert.IsAssignableFrom<IBackwardIntoParameters>(new LinearThenCentered(2, 2));
        Func<Model> build = () =>
        {
            Tensor.ManualSeed(12);
            var first = new Linear(4, 6);
            var relu = new HandRelu(6);
            var second = new Linear(6, 2);
            return new Model(new Sequential(first, relu, second), x => second.CallEager(relu.CallEager(first.CallEager(x))), [first.Weight, first.Bias, second.Weight, second.Bias]);
        };
        Assert.True(CanInto(build().Layer));
        TrainsLikeEagerSgd(build, rows: 3);
    }

    [Fact]
    public void A_layer_with_a_child_without_parameters_trains_as_eager_sgd()
    {
        // The parent runs the Linear child's backward into its parameters and the parameter-free child's plain one.
        Func<Model> build = () =>
        {
            Tensor.ManualSeed(13);
            var layer = new LinearThenCentered(5, 4);
            return new Model(layer, layer.CallEager, [layer.Inner.Weight, layer.Inner.Bias]);
        };
        Assert.True(CanInto(build().Layer));
        TrainsLikeEagerSgd(build, rows: 3);
    }

    private static bool CanInto(ILayer layer) => layer is IBackwardIntoParameters { CanBackwardIntoParameters: true };
}
