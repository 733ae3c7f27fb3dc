using System;
using System.Linq;
using LayerGen.Tests.Layers.SeveralInputs;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.ReassignedInputs;

/// <summary>
/// A <c>Forward</c> that reassigns its own parameter (<c>x = Ops.Relu(x); x = x + bias;</c>, a state <c>h</c> reassigned in a
/// loop, the second input of a cell) runs on generated kernels (<c>KernelName</c> asserted) and gives what the same layer
/// written with fresh locals gives — output, input gradients and parameter gradients, the same parameters copied into
/// both — and its backward matches finite differences of its forward.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class ReassignedInputTests
{
    [Fact]
    public void Relu_then_bias_on_the_reassigned_input_matches_fresh_locals()
    {
        Tensor.ManualSeed(161);
        var reassigned = new ReluThenBias(5);
        var locals = new ReluThenBiasLocals(5);
        Assert.Equal("ReluThenBias[n=5]", reassigned.KernelName);
        Assert.Equal("ReluThenBiasLocals[n=5]", locals.KernelName);
        locals.Bias = Copy(reassigned.Bias).AsParameter();
        Tensor x = Tensor.Randn(3, 5);
        AssertSame(x, reassigned, locals);
        FiniteDifferences.Check(reassigned, Tensor.Randn(3, 5));
    }

    [Fact]
    public void A_state_reassigned_in_a_loop_matches_fresh_locals()
    {
        Tensor.ManualSeed(162);
        var reassigned = new TanhSteps(4, 3);
        var locals = new TanhStepsLocals(4, 3);
        Assert.Equal("TanhSteps[n=4, steps=3]", reassigned.KernelName);
        Assert.Equal("TanhStepsLocals[n=4, steps=3]", locals.KernelName);
        locals.W = Copy(reassigned.W).AsParameter();
        AssertSame(Tensor.Randn(2, 4), reassigned, locals);
        FiniteDifferences.Check(reassigned, Tensor.Randn(2, 4));
    }

    [Fact]
    public void A_reassigned_second_input_matches_fresh_locals()
    {
        Tensor.ManualSeed(163);
        var reassigned = new StateCell(3, 4);
        var locals = new StateCellLocals(3, 4);
        Assert.Equal("StateCell[inputs=3, hiddens=4]", reassigned.KernelName);
        locals.WX = Copy(reassigned.WX).AsParameter();
        locals.WH = Copy(reassigned.WH).AsParameter();
        Tensor x = Tensor.Randn(2, 3), h = Tensor.Randn(2, 4), dy = Tensor.Randn(2, 4);

        float[][] Run(IModule layer, Func<Tensor, Tensor, Tensor> call)
        {
            Tensor a = Copy(x), b = Copy(h);
            a.RequiresGrad = b.RequiresGrad = true;
            layer.ZeroGrad();
            Tensor y = call(a, b);
            y.Backward(dy);
            return new[] { y.ToArray(), a.Grad!.ToArray(), b.Grad!.ToArray() }.Concat(layer.Parameters().Select(p => p.Grad!.ToArray())).ToArray();
        }

        AssertClose(Run(locals, (a, b) => locals.Call(a, b)), Run(reassigned, (a, b) => reassigned.Call(a, b)));
        AssertClose(Run(reassigned, (a, b) => reassigned.CallEager(a, b)), Run(reassigned, (a, b) => reassigned.Call(a, b)));
        SeveralInputFiniteDifferences.Check(reassigned, (a, b) => reassigned.Call(a, b), Tensor.Randn(2, 3), Tensor.Randn(2, 4));
    }

    /// <summary>Output, input gradient and every parameter gradient of <paramref name="layer"/> equal <paramref name="reference"/>'s (and its eager path's).</summary>
    private static void AssertSame(Tensor x, ILayer layer, ILayer reference)
    {
        Tensor dy = Tensor.Randn(layer.Call(x).Shape.ToArray());

        float[][] Run(ILayer l, Func<Tensor, Tensor> call)
        {
            Tensor input = Copy(x);
            input.RequiresGrad = true;
            l.ZeroGrad();
            Tensor y = call(input);
            y.Backward(dy);
            return new[] { y.ToArray(), input.Grad!.ToArray() }.Concat(l.Parameters().Select(p => p.Grad!.ToArray())).ToArray();
        }

        AssertClose(Run(reference, reference.Call), Run(layer, layer.Call));
        AssertClose(Run(layer, layer.CallEager), Run(layer, layer.Call));
    }

    /// <summary>A new tensor with <paramref name="t"/>'s values (ToArray copies the values).</summary>
    private static Tensor Copy(Tensor t) => Tensor.From(t.ToArray(), t.Shape.ToArray());

    private static void AssertClose(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int t = 0; t < expected.Length; t++)
        {
            Assert.Equal(expected[t].Length, actual[t].Length);
            for (int i = 0; i < expected[t].Length; i++)
            {
                Assert.True(Infrastructure.TensorAssert.IsClose(expected[t][i], actual[t][i], 1e-6, 1e-5), $"tensor {t} [{i}]: expected {expected[t][i]}, got {actual[t][i]}");
            }
        }
    }
}
