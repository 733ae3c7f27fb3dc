using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.SeveralInputs;

/// <summary>
/// Layers whose <c>Forward</c> takes two tensors (issue 16): D2L's AddNorm and GRU cell through the generated kernels,
/// against PyTorch (Fixtures/several_*.json, tools/fixtures/several_inputs.py) — output and the gradient of every input
/// and parameter — on the kernel specialised for a constant construction and on the run-time-bounded one, against
/// finite differences of the generated forward, and against the eager path.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class SeveralInputTests
{
    /// <summary>A value the generator cannot see at the construction site.</summary>
    private static T FromVariable<T>(T value) => value;

    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    private static string Name(string fixture, string kernel) => kernel == "specialised" ? fixture : fixture + "_runtime";

    private static AddNorm NewAddNorm(string kernel) => kernel == "specialised" ? new AddNorm(6, 0.5f) : new AddNorm(FromVariable(7), 0.5f);

    private static GruCell NewGruCell(string kernel) => kernel == "specialised" ? new GruCell(5, 3) : new GruCell(FromVariable(4), FromVariable(6));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void AddNorm_of_two_inputs_matches_PyTorch_with_every_gradient(string kernel)
    {
        var layer = NewAddNorm(kernel);
        Assert.Equal(kernel == "specialised" ? "AddNorm[normalizedShape=6]" : "AddNorm[run-time sizes]", layer.KernelName);
        layer.Train(false); // D2L's AddNorm in eval mode: its dropout is the identity, as in the fixture
        CheckAgainstFixture(layer, Fixture.Load(Name("several_add_norm", kernel)), (x, y) => layer.Call(x, y), "x", "y");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void GruCell_of_an_input_and_a_state_matches_PyTorch_with_every_gradient(string kernel)
    {
        var layer = NewGruCell(kernel);
        Assert.Equal(kernel == "specialised" ? "GruCell[numInputs=5, numHiddens=3]" : "GruCell[run-time sizes]", layer.KernelName);
        CheckAgainstFixture(layer, Fixture.Load(Name("several_gru_cell", kernel)), (x, h) => layer.Call(x, h), "x", "h");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_generated_backward_matches_finite_differences_of_the_generated_forward(string kernel)
    {
        Tensor.ManualSeed(5);
        var gru = NewGruCell(kernel);
        Init(gru);
        SeveralInputFiniteDifferences.Check(gru, (x, h) => gru.Call(x, h), Tensor.Randn(3, gru.InputRowLength(0)), Tensor.Randn(3, gru.InputRowLength(1)));

        var addNorm = NewAddNorm(kernel);
        Init(addNorm);
        addNorm.Train(false);
        SeveralInputFiniteDifferences.Check(addNorm, (x, y) => addNorm.Call(x, y), Tensor.Randn(2, 2, addNorm.InputRowLength(0)), Tensor.Randn(2, 2, addNorm.InputRowLength(1)));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Call_and_CallEager_agree_on_the_output_and_every_gradient(string kernel)
    {
        Tensor.ManualSeed(11);
        var gru = NewGruCell(kernel);
        Init(gru);
        var x = Tensor.Randn(4, gru.InputRowLength(0));
        var h = Tensor.Randn(4, gru.InputRowLength(1));
        var dy = Tensor.Randn(4, gru.OutputRowLength);

        var (generated, generatedGrads) = RunWithGradients(gru, () => gru.Call(x, h), dy, x, h);
        var (eager, eagerGrads) = RunWithGradients(gru, () => gru.CallEager(x, h), dy, x, h);
        Assert.Equal(eager.Shape.ToArray(), generated.Shape.ToArray());
        AssertClose(eager.Data, generated.Data, "output");
        foreach (var name in eagerGrads.Keys)
        {
            AssertClose(eagerGrads[name], generatedGrads[name], "d/d" + name);
        }
    }

    [Fact]
    public void Inputs_with_different_batches_are_refused_naming_both()
    {
        var layer = new GruCell(5, 3);
        var error = Assert.Throws<ArgumentException>(() => layer.Call(Tensor.Randn(2, 3, 5), Tensor.Randn(6, 3)));
        Assert.Equal(
            "GruCell's inputs must share their batch (leading) dimensions, but 'x' of shape [2, 3, 5] has batch [2, 3] and 'h' of shape [6, 3] has batch [6] (Parameter 'h')",
            error.Message);
        var wrongFeatures = Assert.Throws<ArgumentException>(() => layer.Call(Tensor.Randn(2, 5), Tensor.Randn(2, 4)));
        Assert.Equal("GruCell expected 'h' of shape [*, 3] but got [2, 4] (Parameter 'h')", wrongFeatures.Message);
    }

    [Fact]
    public void Only_the_inputs_that_require_a_gradient_get_one_and_the_parameters_always_do()
    {
        var layer = new GruCell(5, 3);
        var x = Tensor.Randn(2, 5);
        var h = Tensor.Randn(2, 3);
        h.RequiresGrad = true;
        layer.Call(x, h).Sum().Backward();
        Assert.Null(x.Grad);
        Assert.NotNull(h.Grad);
        Assert.All(layer.Parameters(), p => Assert.NotNull(p.Grad));

        // Neither input: the parameters still get theirs, as a one-input layer's do.
        layer.ZeroGrad();
        var noGradInputs = layer.Call(Tensor.Randn(2, 5), Tensor.Randn(2, 3));
        Assert.True(noGradInputs.RequiresGrad);
        noGradInputs.Sum().Backward();
        Assert.Contains(layer.Parameters(), p => p.Grad!.Data.Any(v => v != 0));
    }

    [Fact]
    public void The_same_tensor_as_both_inputs_accumulates_both_gradients()
    {
        var layer = new AddNorm(6, 0.5f);
        layer.Train(false);
        Init(layer);
        var x = Tensor.Randn(3, 6);
        x.RequiresGrad = true;
        var dy = Tensor.Randn(3, 6);
        layer.Call(x, x).Backward(dy);
        var generated = x.Grad!.ToArray();
        x.Grad = null;
        layer.CallEager(x, x).Backward(dy);
        AssertClose(x.Grad!.Data, generated, "d/dx through both inputs");
    }

    private static void Init(IModule layer)
    {
        foreach (var parameter in layer.Parameters())
        {
            var values = Tensor.Randn(parameter.Shape.ToArray());
            for (int i = 0; i < values.Count; i++)
            {
                parameter.Data[i] = 0.5f * values.Data[i];
            }
        }
    }

    private static (Tensor Output, Dictionary<string, float[]> Grads) RunWithGradients(IModule layer, Func<Tensor> call, Tensor dy, params Tensor[] inputs)
    {
        layer.ZeroGrad();
        foreach (var input in inputs)
        {
            input.Grad = null;
            input.RequiresGrad = true;
        }

        var output = call();
        output.Backward(dy);
        var grads = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Grad!.ToArray());
        for (int i = 0; i < inputs.Length; i++)
        {
            grads["input " + i] = inputs[i].Grad!.ToArray();
        }

        return (output, grads);
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(TensorAssert.IsClose(expected[i], actual[i], 1e-5, 1e-4), $"{what}[{i}]: eager {expected[i]}, generated {actual[i]}");
        }
    }

    /// <summary>Loads the fixture's parameters, runs <paramref name="call"/> on its two inputs and checks the output and every gradient.</summary>
    internal static void CheckAgainstFixture(IModule layer, Fixture fixture, Func<Tensor, Tensor, Tensor> call, string first, string second)
    {
        var named = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(fixture.Parameters.Keys.OrderBy(k => k), named.Keys.OrderBy(k => k));
        foreach (var (name, expected) in fixture.Parameters)
        {
            Assert.Equal(expected.Shape, named[name].Shape.ToArray());
            expected.Data.CopyTo(named[name].Data, 0);
        }

        var a = fixture.Inputs[first].ToTensor();
        var b = fixture.Inputs[second].ToTensor();
        a.RequiresGrad = true;
        b.RequiresGrad = true;
        var y = call(a, b);
        TensorAssert.Close(fixture.Output, y.Data, y.Shape, $"{fixture.Name} output");
        y.Backward(fixture.Dy.ToTensor());
        TensorAssert.Close(fixture.Grads[first], a.Grad!.Data, a.Grad.Shape, $"{fixture.Name} d/d{first}");
        TensorAssert.Close(fixture.Grads[second], b.Grad!.Data, b.Grad.Shape, $"{fixture.Name} d/d{second}");
        foreach (var (name, parameter) in named)
        {
            TensorAssert.Close(fixture.Grads[name], parameter.Grad!.Data, parameter.Grad.Shape, $"{fixture.Name} d/d{name}");
        }
    }
}
