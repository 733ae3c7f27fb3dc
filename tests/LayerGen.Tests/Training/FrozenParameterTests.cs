using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Layers;
using LayerGen.Tests.Layers.Children;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>D2L's positional encoding with its table stored as a parameter and then frozen (the outside tester's case).</summary>
[Layer(Input = "[*, maxLen, numHiddens]")]
public partial class FrozenTable(int maxLen, int numHiddens)
{
    [Parameter] private Tensor P = Tensor.Randn(maxLen, numHiddens);

    private Tensor Forward(Tensor X) => X + P;
}

/// <summary>Constant constructions, so these layers also get specialised kernels.</summary>
internal static class FrozenSpecialisations
{
    public static FrozenTable Table() => new FrozenTable(4, 6);

    public static MyLinear Linear() => new MyLinear(5, 3);
}

/// <summary>
/// A parameter whose <see cref="Tensor.RequiresGrad"/> is false is frozen, as with PyTorch's
/// <c>requires_grad=False</c>: no backward (generated kernels of every kind, child layers, <see cref="Sequential"/>,
/// the span API) gives it a gradient or changes the one it has, no optimiser or <see cref="Trainer"/> step moves
/// it, and a change of the flag takes effect on the next step. The oracle for the other gradients is the eager
/// path (<c>CallEager</c>: the reference ops and their autograd, which skip frozen leaves), run on the same tensors.
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // builds twins from one seed
public class FrozenParameterTests
{
    private static Tensor Parameter(ILayer layer, string name) => layer.NamedParameters().Single(p => p.Key == name).Value;

    private static FrozenTable SizedTable(int maxLen, int numHiddens) => new(maxLen, numHiddens);

    private static MyLinear SizedLinear(int inUnits, int units) => new(inUnits, units);

    public static TheoryData<bool> BothKernels => new() { true, false };

    [Theory]
    [MemberData(nameof(BothKernels))]
    public void A_frozen_table_gets_no_gradient_while_the_input_does(bool specialised)
    {
        Tensor.ManualSeed(1);
        var layer = specialised ? FrozenSpecialisations.Table() : SizedTable(3, 5);
        Assert.Equal(specialised ? "FrozenTable[maxLen=4, numHiddens=6]" : "FrozenTable[run-time sizes]", layer.KernelName);
        var table = Parameter(layer, "P");
        table.RequiresGrad = false;
        var x = Tensor.Randn(2, specialised ? 4 : 3, specialised ? 6 : 5);
        x.RequiresGrad = true;

        layer.Call(x).Sum().Backward();

        Assert.Null(table.Grad);
        Assert.All(x.Grad!.Data, g => Assert.Equal(1f, g));
    }

    [Theory]
    [MemberData(nameof(BothKernels))]
    public void The_other_gradients_are_the_eager_paths_when_one_parameter_is_frozen(bool specialised)
    {
        Tensor.ManualSeed(2);
        var layer = specialised ? FrozenSpecialisations.Linear() : SizedLinear(6, 11);
        Assert.Equal(specialised ? "MyLinear[inUnits=5, units=3]" : "MyLinear[run-time sizes]", layer.KernelName);
        layer.Weight.RequiresGrad = false;
        var x = Tensor.Randn(3, specialised ? 5 : 6);

        var (generatedInput, generatedBias) = Gradients(layer, x, l => l.Call);
        Assert.Null(layer.Weight.Grad);
        var (eagerInput, eagerBias) = Gradients(layer, x, l => l.CallEager);
        Assert.Null(layer.Weight.Grad);

        AssertClose(eagerInput, generatedInput, "input gradient");
        AssertClose(eagerBias, generatedBias, "bias gradient");
    }

    // The gradients of sum(forward(x)²) for the input and the bias, each from fresh buffers.
    private static (float[] Input, float[] Bias) Gradients(MyLinear layer, Tensor x, Func<MyLinear, Func<Tensor, Tensor>> forward)
    {
        layer.Bias.Grad = null;
        var input = Tensor.From(x.ToArray(), x.Shape.ToArray());
        input.RequiresGrad = true;
        var y = forward(layer)(input);
        (y * y).Sum().Backward();
        return (input.Grad!.ToArray(), layer.Bias.Grad!.ToArray());
    }

    [Fact]
    public void A_gradient_from_before_the_freeze_is_left_as_it_was()
    {
        Tensor.ManualSeed(3);
        var layer = FrozenSpecialisations.Linear();
        var x = Tensor.Randn(2, 5);
        layer.Call(x).Sum().Backward();
        float[] weightGrad = layer.Weight.Grad!.ToArray();
        float[] biasGrad = layer.Bias.Grad!.ToArray();

        layer.Weight.RequiresGrad = false;
        layer.Call(x).Sum().Backward();

        Assert.Equal(weightGrad, layer.Weight.Grad!.ToArray());
        AssertClose(biasGrad.Select(g => 2 * g).ToArray(), layer.Bias.Grad!.ToArray(), "bias gradient, accumulated twice");

        // Zeroed while frozen: it reads as zeros and stays so.
        layer.ZeroGrad();
        layer.Call(x).Sum().Backward();
        Assert.All(layer.Weight.Grad!.Data, g => Assert.Equal(0f, g));
    }

    [Theory]
    [MemberData(nameof(BothKernels))]
    public void The_span_backward_skips_a_frozen_parameter(bool specialised)
    {
        Tensor.ManualSeed(4);
        var layer = specialised ? FrozenSpecialisations.Linear() : SizedLinear(7, 2);
        ILayer span = layer;
        layer.Bias.RequiresGrad = false;
        int rows = 3;
        var x = Tensor.Randn(rows, span.InputRowLength);
        var output = new float[rows * span.OutputRowLength];
        var saved = new float[span.SavedLength(rows)];
        var outputGrad = Tensor.Randn(output.Length).Data;
        var inputGrad = new float[x.Count];

        span.ForwardSpan(rows, x.Data, output, saved);
        span.BackwardSpan(rows, x.Data, output, outputGrad, inputGrad, saved);

        Assert.Null(layer.Bias.Grad);
        float[] weightGrad = layer.Weight.Grad!.ToArray();
        layer.Weight.Grad = null;
        var input = Tensor.From(x.ToArray(), x.Shape.ToArray());
        input.RequiresGrad = true;
        layer.CallEager(input).Backward(Tensor.From(outputGrad, rows, span.OutputRowLength));
        Assert.Null(layer.Bias.Grad);
        AssertClose(layer.Weight.Grad!.ToArray(), weightGrad, "weight gradient");
        AssertClose(input.Grad!.ToArray(), inputGrad, "input gradient");
    }

    [Fact]
    public void A_frozen_child_parameter_gets_no_gradient_through_its_parent()
    {
        Tensor.ManualSeed(5);
        var layer = new ScaledChild(6);
        layer.Inner.Weight.RequiresGrad = false;
        var x = Tensor.Randn(3, 6);

        layer.Call(x).Sum().Backward();
        Assert.Null(layer.Inner.Weight.Grad);
        float[] bias = layer.Inner.Bias.Grad!.ToArray();
        float[] scale = layer.Scale.Grad!.ToArray();

        layer.Inner.Bias.Grad = null;
        layer.Scale.Grad = null;
        (Ops.Tanh(layer.Inner.CallEager(x)) * layer.Scale).Sum().Backward();
        Assert.Null(layer.Inner.Weight.Grad);
        AssertClose(layer.Inner.Bias.Grad!.ToArray(), bias, "child bias gradient");
        AssertClose(layer.Scale.Grad!.ToArray(), scale, "scale gradient");
    }

    [Fact]
    public void A_frozen_parameter_in_a_sequential_gets_no_gradient()
    {
        Tensor.ManualSeed(6);
        var first = new Linear(4, 5);
        var second = new Linear(5, 2);
        var net = new Sequential(first, new Tanh(), second);
        first.Weight.RequiresGrad = false;
        second.Bias.RequiresGrad = false;

        net.Call(Tensor.Randn(3, 4)).Sum().Backward();

        Assert.Null(first.Weight.Grad);
        Assert.Null(second.Bias.Grad);
        Assert.NotNull(first.Bias.Grad);
        Assert.NotNull(second.Weight.Grad);
    }

    [Fact]
    public void A_layer_whose_parameters_are_all_frozen_records_nothing_for_an_input_without_grad()
    {
        var layer = new MyLinear(3, 2);
        layer.Weight.RequiresGrad = false;
        layer.Bias.RequiresGrad = false;
        var y = layer.Call(Tensor.Randn(2, 3));
        Assert.False(y.RequiresGrad);
        Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
    }

    public static TheoryData<string> Optimisers => new() { "sgd", "sgd momentum wd", "adam", "adamw" };

    private static Optimizer Create(string name, IEnumerable<Tensor> parameters) => name switch
    {
        "sgd" => new Sgd(parameters, 0.1),
        "sgd momentum wd" => new Sgd(parameters, 0.1, momentum: 0.9, weightDecay: 0.01),
        "adam" => new Adam(parameters, 0.1),
        _ => new AdamW(parameters, 0.1),
    };

    [Theory]
    [MemberData(nameof(Optimisers))]
    public void Optimisers_skip_a_frozen_parameter_even_with_a_gradient_and_resume_when_it_is_unfrozen(string name)
    {
        var frozen = Tensor.From([1f, 2f, 3f], 3).AsParameter();
        var trained = Tensor.From([1f, 2f, 3f], 3).AsParameter();
        frozen.Grad = Tensor.From([0.5f, -0.5f, 1f], 3);
        trained.Grad = Tensor.From([0.5f, -0.5f, 1f], 3);
        var optimiser = Create(name, [frozen, trained]);

        frozen.RequiresGrad = false;
        optimiser.Step();
        optimiser.Step();
        Assert.Equal([1f, 2f, 3f], frozen.ToArray());
        Assert.NotEqual([1f, 2f, 3f], trained.ToArray());
        if (optimiser is Adam adam)
        {
            Assert.Equal(0, adam.StepCount(0)); // its state did not advance
            Assert.Equal(2, adam.StepCount(1));
        }

        frozen.RequiresGrad = true;
        optimiser.Step();
        Assert.NotEqual([1f, 2f, 3f], frozen.ToArray());
    }

    public static TheoryData<bool, bool> TrainerKinds => new()
    {
        { false, false }, // a Sequential: updates layer by layer inside the backward
        { true, false },  // one layer: backward, then Optimizer.Step
        { false, true },  // a Sequential, SGD folded into the backward
    };

    [Theory]
    [MemberData(nameof(TrainerKinds))]
    public void A_trainer_leaves_a_frozen_parameter_alone_and_picks_up_a_change_of_the_flag(bool singleLayer, bool updateInBackward)
    {
        const float Lr = 0.05f;
        var (model, parameters) = TrainerModel(singleLayer, seed: 7);
        var (twin, twinParameters) = TrainerModel(singleLayer, seed: 7);
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), Lr), maxRows: 3, updateInBackward: updateInBackward);
        Assert.Equal(updateInBackward, trainer.UpdatesInBackward);

        Tensor.ManualSeed(70);
        for (int step = 0; step < 4; step++)
        {
            // Frozen for two steps, then trained.
            bool frozen = step < 2;
            parameters[0].RequiresGrad = !frozen;
            twinParameters[0].RequiresGrad = !frozen;
            float[] before = parameters[0].ToArray();
            var x = Tensor.Randn(3, model.InputRowLength);
            var target = Tensor.Randn(3 * model.OutputRowLength);

            trainer.Step(x.Data, target.Data, 3);
            EagerSgdStep(twin, twinParameters, x, target, Lr);

            if (frozen)
            {
                Assert.Equal(before, parameters[0].ToArray());
            }
            else
            {
                Assert.NotEqual(before, parameters[0].ToArray());
            }

            for (int p = 0; p < parameters.Length; p++)
            {
                AssertClose(twinParameters[p].ToArray(), parameters[p].ToArray(), $"step {step}, parameter {p}", atol: 2e-5f);
            }
        }
    }

    private static (ILayer Model, Tensor[] Parameters) TrainerModel(bool singleLayer, ulong seed)
    {
        Tensor.ManualSeed(seed);
        if (singleLayer)
        {
            var layer = new MyLinear(4, 3);
            return (layer, [layer.Weight, layer.Bias]);
        }

        var first = new Linear(4, 5);
        var second = new Linear(5, 2);
        return (new Sequential(first, new Tanh(), second), [first.Weight, first.Bias, second.Weight, second.Bias]);
    }

    // Eager forward, MSE, the reference autograd, then p ← p − lr·g for the parameters that require grad.
    private static void EagerSgdStep(ILayer twin, Tensor[] parameters, Tensor x, Tensor target, float lr)
    {
        foreach (var p in parameters)
        {
            p.Grad = null;
        }

        var difference = twin.CallEager(x).Reshape(target.Count) - target;
        (difference * difference).Mean().Backward();
        foreach (var p in parameters.Where(p => p.RequiresGrad))
        {
            for (int i = 0; i < p.Count; i++)
            {
                p.Data[i] -= lr * p.Grad!.Data[i];
            }
        }
    }

    [Fact]
    public void Updating_in_the_backward_takes_a_frozen_parameter_the_optimiser_does_not_hold_and_refuses_to_train_it_once_unfrozen()
    {
        var first = new Linear(4, 3);
        var second = new Linear(3, 2);
        var model = new Sequential(first, new Tanh(), second);
        first.Weight.RequiresGrad = false;
        first.Bias.RequiresGrad = false;
        var trainer = new Trainer(model, new MseLoss(), new Sgd(second.Parameters(), 0.1), 2, updateInBackward: true);
        float[] weight = first.Weight.ToArray();
        var x = Tensor.Randn(2, 4);
        var target = Tensor.Randn(4);

        trainer.Step(x.Data, target.Data, 2);
        Assert.Equal(weight, first.Weight.ToArray());

        first.Weight.RequiresGrad = true;
        float[] secondWeight = second.Weight.ToArray();
        var error = Assert.Throws<InvalidOperationException>(() => trainer.Step(x.Data, target.Data, 2));
        Assert.Contains("'0.weight' is not in the optimiser", error.Message);
        Assert.Equal(weight, first.Weight.ToArray());
        Assert.Equal(secondWeight, second.Weight.ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual, string what, float atol = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= atol + 1e-4f * MathF.Abs(expected[i]), $"{what}[{i}]: {actual[i]}, expected {expected[i]}");
        }
    }
}
