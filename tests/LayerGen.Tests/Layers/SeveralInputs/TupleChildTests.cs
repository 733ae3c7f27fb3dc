using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.SeveralInputs;

/// <summary>
/// A child returning a tuple taken apart in its parent's forward (<c>var (outputs, state) = rnn.Call(x, h);</c>,
/// <c>result.Item2</c>, and in a loop over time steps): the parent's generated kernels against PyTorch
/// (Fixtures/tuple_rnn_with_head*.json) on both kernel kinds, against finite differences of its generated forward and
/// against its eager path, with the gradient flowing into the child from both results, from one alone, and through steps.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class TupleChildTests
{
    private static T FromVariable<T>(T value) => value;

    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_head_reading_both_results_of_an_RNN_step_matches_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new RnnWithHead(5, 4, 3, 2) : new RnnWithHead(FromVariable(3), FromVariable(6), FromVariable(2), FromVariable(4));
        Assert.Equal(kernel == "specialised" ? "RnnWithHead[numInputs=5, numHiddens=4, numOutputs=3, classes=2]" : "RnnWithHead[run-time sizes]", layer.KernelName);
        var fixture = Fixture.Load(kernel == "specialised" ? "tuple_rnn_with_head" : "tuple_rnn_with_head_runtime");
        var named = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(fixture.Parameters.Keys.OrderBy(k => k), named.Keys.OrderBy(k => k));
        foreach (var (name, expected) in fixture.Parameters)
        {
            expected.Data.CopyTo(named[name].Data, 0);
        }

        var x = fixture.Inputs["x"].ToTensor();
        var h = fixture.Inputs["h"].ToTensor();
        x.RequiresGrad = true;
        h.RequiresGrad = true;
        var y = layer.Call(x, h);
        TensorAssert.Close(fixture.Output, y.Data, y.Shape, "output");
        y.Backward(fixture.Dy.ToTensor());
        TensorAssert.Close(fixture.Grads["x"], x.Grad!.Data, x.Grad.Shape, "d/dx");
        TensorAssert.Close(fixture.Grads["h"], h.Grad!.Data, h.Grad.Shape, "d/dh");
        foreach (var (name, parameter) in named)
        {
            TensorAssert.Close(fixture.Grads[name], parameter.Grad!.Data, parameter.Grad.Shape, "d/d" + name);
        }
    }

    [Fact]
    public void A_head_reading_both_results_matches_finite_differences()
    {
        Tensor.ManualSeed(41);
        var layer = new RnnWithHead(5, 4, 3, 2);
        SeveralInputFiniteDifferences.Check(layer, (a, b) => layer.Call(a, b), Tensor.Randn(3, 5), Tensor.Randn(3, 4));
    }

    [Fact]
    public void Reading_only_the_state_through_Item2_agrees_with_the_eager_path_and_finite_differences()
    {
        Tensor.ManualSeed(42);
        var layer = new RnnStateHead(4, 3);
        Assert.Equal("RnnStateHead[numInputs=4, numHiddens=3]", layer.KernelName);
        var x = Tensor.Randn(2, 3, 4);
        var h = Tensor.Randn(2, 3, 3);
        AssertAgree(layer, () => layer.Call(x, h), () => layer.CallEager(x, h), Tensor.Randn(2, 3, 2), x, h);
        SeveralInputFiniteDifferences.Check(layer, (a, b) => layer.Call(a, b), Tensor.Randn(3, 4), Tensor.Randn(3, 3));
    }

    [Fact]
    public void An_RNN_over_steps_taking_the_tuple_apart_in_a_loop_agrees_with_the_eager_path_and_finite_differences()
    {
        Tensor.ManualSeed(43);
        var layer = new RnnOverSteps(3, 4, 5);
        Assert.Equal("RnnOverSteps[numSteps=3, numInputs=4, numHiddens=5]", layer.KernelName);
        var xs = Tensor.Randn(2, 3, 4);
        var h = Tensor.Randn(2, 5);
        AssertAgree(layer, () => layer.Call(xs, h), () => layer.CallEager(xs, h), Tensor.Randn(2, 2), xs, h);
        SeveralInputFiniteDifferences.Check(layer, (a, b) => layer.Call(a, b), Tensor.Randn(2, 3, 4), Tensor.Randn(2, 5));
    }

    private static void AssertAgree(IModule layer, Func<Tensor> generated, Func<Tensor> eager, Tensor dy, params Tensor[] inputs)
    {
        float[][] Run(Func<Tensor> call)
        {
            layer.ZeroGrad();
            foreach (var input in inputs)
            {
                input.Grad = null;
                input.RequiresGrad = true;
            }

            var y = call();
            y.Backward(dy);
            // A parameter the forward does not reach has no Grad on the eager path (None in PyTorch): zeros.
            var parameterGrads = layer.Parameters().Select(p => p.Grad?.ToArray() ?? new float[p.Count]);
            return new[] { y.ToArray() }.Concat(inputs.Select(i => i.Grad!.ToArray())).Concat(parameterGrads).ToArray();
        }

        var expected = Run(eager);
        var actual = Run(generated);
        Assert.Contains(actual.Skip(1).SelectMany(a => a), v => v != 0);
        for (int t = 0; t < expected.Length; t++)
        {
            for (int i = 0; i < expected[t].Length; i++)
            {
                Assert.True(TensorAssert.IsClose(expected[t][i], actual[t][i], 1e-5, 1e-4), $"tensor {t} [{i}]: eager {expected[t][i]}, generated {actual[t][i]}");
            }
        }
    }
}
