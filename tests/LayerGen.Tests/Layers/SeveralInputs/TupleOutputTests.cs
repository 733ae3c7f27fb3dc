using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.SeveralInputs;

/// <summary>
/// A <c>Forward</c> returning a tuple (issue 16): D2L's RNN step, <c>(Tensor Output, Tensor State) Forward(Tensor x,
/// Tensor state)</c>, against PyTorch (Fixtures/several_rnn_step*.json) with gradients flowing back from both outputs
/// and from the state alone, on both kernel kinds; against the eager path from either output; and its span API.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class TupleOutputTests
{
    private static T FromVariable<T>(T value) => value;

    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    private static RnnStep NewRnnStep(string kernel) => kernel == "specialised" ? new RnnStep(5, 4, 3) : new RnnStep(FromVariable(3), FromVariable(6), FromVariable(2));

    private static Fixture Load(string kernel, RnnStep layer)
    {
        var fixture = Fixture.Load(kernel == "specialised" ? "several_rnn_step" : "several_rnn_step_runtime");
        var named = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(fixture.Parameters.Keys.OrderBy(k => k), named.Keys.OrderBy(k => k));
        foreach (var (name, expected) in fixture.Parameters)
        {
            expected.Data.CopyTo(named[name].Data, 0);
        }

        return fixture;
    }

    private static FixtureTensor Extra(Fixture fixture, string name) => FixtureTensor.Parse(fixture.Layer!.Value.GetProperty(name), fixture.Name + " " + name);

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Both_outputs_and_the_gradients_flowing_back_from_both_match_PyTorch(string kernel)
    {
        var layer = NewRnnStep(kernel);
        Assert.Equal(kernel == "specialised" ? "RnnStep[numInputs=5, numHiddens=4, numOutputs=3]" : "RnnStep[run-time sizes]", layer.KernelName);
        var fixture = Load(kernel, layer);
        var x = fixture.Inputs["x"].ToTensor();
        var state = fixture.Inputs["state"].ToTensor();
        x.RequiresGrad = true;
        state.RequiresGrad = true;

        var (output, newState) = layer.Call(x, state);
        TensorAssert.Close(fixture.Output, output.Data, output.Shape, "output");
        TensorAssert.Close(Extra(fixture, "state"), newState.Data, newState.Shape, "new state");

        // loss = Σ output·dy + Σ newState·dyState: both outputs carry a gradient back.
        var loss = (output * fixture.Dy.ToTensor()).Sum() + (newState * Extra(fixture, "dyState").ToTensor()).Sum();
        loss.Backward();
        TensorAssert.Close(fixture.Grads["x"], x.Grad!.Data, x.Grad.Shape, "d/dx");
        TensorAssert.Close(fixture.Grads["state"], state.Grad!.Data, state.Grad.Shape, "d/dstate");
        foreach (var (name, parameter) in layer.NamedParameters())
        {
            TensorAssert.Close(fixture.Grads[name], parameter.Grad!.Data, parameter.Grad.Shape, "d/d" + name);
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_gradient_flowing_back_from_the_state_alone_matches_PyTorch(string kernel)
    {
        var layer = NewRnnStep(kernel);
        var fixture = Load(kernel, layer);
        var x = fixture.Inputs["x"].ToTensor();
        var state = fixture.Inputs["state"].ToTensor();
        x.RequiresGrad = true;
        state.RequiresGrad = true;

        var (_, newState) = layer.Call(x, state);
        newState.Backward(Extra(fixture, "dyState").ToTensor());
        var expected = FixtureJson.TensorMap(fixture.Layer!.Value, "gradsFromStateOnly", fixture.Name);
        TensorAssert.Close(expected["x"], x.Grad!.Data, x.Grad.Shape, "d/dx");
        TensorAssert.Close(expected["state"], state.Grad!.Data, state.Grad.Shape, "d/dstate");
        foreach (var (name, parameter) in layer.NamedParameters())
        {
            TensorAssert.Close(expected[name], parameter.Grad!.Data, parameter.Grad.Shape, "d/d" + name);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void The_generated_and_eager_paths_agree_from_either_output(int which)
    {
        Tensor.ManualSeed(21 + (ulong)which);
        var layer = new RnnStep(5, 4, 3);
        var x = Tensor.Randn(2, 3, 5);
        var state = Tensor.Randn(2, 3, 4);
        var dy = Tensor.Randn(2, 3, which == 0 ? 3 : 4);

        float[][] Run(Func<(Tensor, Tensor)> call)
        {
            layer.ZeroGrad();
            x.Grad = null;
            state.Grad = null;
            x.RequiresGrad = true;
            state.RequiresGrad = true;
            var (output, newState) = call();
            (which == 0 ? output : newState).Backward(dy);
            return new[] { output.ToArray(), newState.ToArray(), x.Grad!.ToArray(), state.Grad!.ToArray() }
                .Concat(layer.Parameters().Select(p => p.Grad!.ToArray())).ToArray();
        }

        var generated = Run(() => layer.Call(x, state));
        var eager = Run(() => layer.CallEager(x, state));
        for (int t = 0; t < eager.Length; t++)
        {
            for (int i = 0; i < eager[t].Length; i++)
            {
                Assert.True(TensorAssert.IsClose(eager[t][i], generated[t][i], 1e-5, 1e-4), $"tensor {t} [{i}]: eager {eager[t][i]}, generated {generated[t][i]}");
            }
        }
    }

    [Fact]
    public void Unrolled_over_three_steps_the_state_carries_the_gradient_back_to_the_first_input()
    {
        Tensor.ManualSeed(8);
        var layer = new RnnStep(5, 4, 3);
        var xs = Enumerable.Range(0, 3).Select(_ => Tensor.Randn(2, 5)).ToArray();
        var h0 = Tensor.Zeros(2, 4);

        float[] Run(Func<Tensor, Tensor, (Tensor Output, Tensor State)> step)
        {
            layer.ZeroGrad();
            xs[0].Grad = null;
            xs[0].RequiresGrad = true;
            var h = h0;
            Tensor loss = Tensor.Zeros();
            foreach (var x in xs)
            {
                var (y, next) = step(x, h);
                loss = loss + y.Square().Sum();
                h = next;
            }

            loss.Backward();
            return xs[0].Grad!.ToArray();
        }

        var generated = Run((x, h) => layer.Call(x, h));
        var eager = Run((x, h) => layer.CallEager(x, h));
        Assert.Contains(generated, v => v != 0);
        for (int i = 0; i < eager.Length; i++)
        {
            Assert.True(TensorAssert.IsClose(eager[i], generated[i], 1e-5, 1e-4), $"d loss/d x0[{i}]: eager {eager[i]}, generated {generated[i]}");
        }
    }
}
