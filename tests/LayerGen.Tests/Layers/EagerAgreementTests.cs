using System;
using System.Collections.Generic;
using LayerGen.Tests.Layers.OpLayers;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Every layer of OpLayers.cs run twice on the same random input: through its generated kernels
/// (Call) and through its forward definition on the eager reference ops (CallEager). Outputs and the
/// gradients of the input and of every parameter must agree, on a specialised kernel and on the
/// run-time-bounded one.
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // builds twins from one seed: no other test may draw in between
public class EagerAgreementTests
{
    public EagerAgreementTests() => Tensor.ManualSeed(1618);

    public static TheoryData<string> Layers => new(Cases.Keys);

    /// <summary>Each case: a layer (constant sizes or not), its eager path, and its input's shape.</summary>
    private static readonly Dictionary<string, (Func<ILayer> Create, Func<ILayer, Tensor, Tensor> Eager, int[] Input)> Cases = new()
    {
        ["SoftmaxLast[n=7]"] = (() => new SoftmaxLast(7), (l, x) => ((SoftmaxLast)l).CallEager(x), [3, 7]),
        ["SoftmaxLast[run-time sizes]"] = (() => Sized(n => new SoftmaxLast(n), 29), (l, x) => ((SoftmaxLast)l).CallEager(x), [3, 29]),
        ["LogSoftmaxLast[n=7]"] = (() => new LogSoftmaxLast(7), (l, x) => ((LogSoftmaxLast)l).CallEager(x), [3, 7]),
        ["LogSoftmaxLast[run-time sizes]"] = (() => Sized(n => new LogSoftmaxLast(n), 29), (l, x) => ((LogSoftmaxLast)l).CallEager(x), [3, 29]),
        ["SoftmaxMiddle[m=3, n=4]"] = (() => new SoftmaxMiddle(3, 4), (l, x) => ((SoftmaxMiddle)l).CallEager(x), [2, 3, 4]),
        ["SoftmaxMiddle[run-time sizes]"] = (() => Sized(m => new SoftmaxMiddle(m, 5), 11), (l, x) => ((SoftmaxMiddle)l).CallEager(x), [2, 11, 5]),
        ["GeluOp[n=7]"] = (() => new GeluOp(7), (l, x) => ((GeluOp)l).CallEager(x), [3, 7]),
        ["GeluOp[run-time sizes]"] = (() => Sized(n => new GeluOp(n), 29), (l, x) => ((GeluOp)l).CallEager(x), [3, 29]),
        ["GeluTanhOp[n=7]"] = (() => new GeluTanhOp(7), (l, x) => ((GeluTanhOp)l).CallEager(x), [3, 7]),
        ["GeluTanhOp[run-time sizes]"] = (() => Sized(n => new GeluTanhOp(n), 29), (l, x) => ((GeluTanhOp)l).CallEager(x), [3, 29]),
        ["ErfOp[n=7]"] = (() => new ErfOp(7), (l, x) => ((ErfOp)l).CallEager(x), [3, 7]),
        ["ErfOp[run-time sizes]"] = (() => Sized(n => new ErfOp(n), 29), (l, x) => ((ErfOp)l).CallEager(x), [3, 29]),
        ["SqrtAbsPlusOne[n=7]"] = (() => new SqrtAbsPlusOne(7), (l, x) => ((SqrtAbsPlusOne)l).CallEager(x), [3, 7]),
        ["SqrtAbsPlusOne[run-time sizes]"] = (() => Sized(n => new SqrtAbsPlusOne(n), 29), (l, x) => ((SqrtAbsPlusOne)l).CallEager(x), [3, 29]),
        ["PowClampSquare[n=9]"] = (() => new PowClampSquare(9), (l, x) => ((PowClampSquare)l).CallEager(x), [2, 9]),
        ["PowClampSquare[run-time sizes]"] = (() => Sized(n => new PowClampSquare(n), 29), (l, x) => ((PowClampSquare)l).CallEager(x), [2, 29]),
        ["MaxMinLast[n=6]"] = (() => new MaxMinLast(6), (l, x) => ((MaxMinLast)l).CallEager(x), [3, 6]),
        ["MaxMinLast[run-time sizes]"] = (() => Sized(n => new MaxMinLast(n), 29), (l, x) => ((MaxMinLast)l).CallEager(x), [3, 29]),
        ["MaximumMinimum[n=9]"] = (() => new MaximumMinimum(9), (l, x) => ((MaximumMinimum)l).CallEager(x), [4, 9]),
        ["MaximumMinimum[run-time sizes]"] = (() => Sized(n => new MaximumMinimum(n), 29), (l, x) => ((MaximumMinimum)l).CallEager(x), [4, 29]),
        ["LeakyWhere[n=9]"] = (() => new LeakyWhere(9), (l, x) => ((LeakyWhere)l).CallEager(x), [4, 9]),
        ["LeakyWhere[run-time sizes]"] = (() => Sized(n => new LeakyWhere(n), 29), (l, x) => ((LeakyWhere)l).CallEager(x), [4, 29]),
        ["TransposePermute[m=3, n=4]"] = (() => new TransposePermute(3, 4), (l, x) => ((TransposePermute)l).CallEager(x), [2, 3, 4]),
        ["TransposePermute[run-time sizes]"] = (() => Sized(m => new TransposePermute(m, 6), 11), (l, x) => ((TransposePermute)l).CallEager(x), [2, 11, 6]),
        ["ReshapeView"] = (() => new ReshapeView(), (l, x) => ((ReshapeView)l).CallEager(x), [3, 4, 3]),
        ["NarrowSliceConcatStack"] = (() => new NarrowSliceConcatStack(), (l, x) => ((NarrowSliceConcatStack)l).CallEager(x), [3, 5]),
        ["DropoutOp[run-time sizes]"] = (() => Sized(n => new DropoutOp(n), 29), (l, x) => ((DropoutOp)l).CallEager(x), [3, 29]),
    };

    /// <summary>Builds through a parameter, so no literal size makes the construction a specialised one.</summary>
    private static ILayer Sized(Func<int, ILayer> create, int size) => create(size);

    [Theory]
    [MemberData(nameof(Layers))]
    public void Generated_kernels_agree_with_the_eager_forward(string kernel)
    {
        var (create, eager, inputShape) = Cases[kernel];
        var layer = create();
        Assert.Equal(kernel, layer.KernelName);
        var x = Tensor.Randn(inputShape);
        x.RequiresGrad = true;

        // The same seed before each path, so a dropout layer draws the same mask on both.
        Tensor.ManualSeed(99);
        var generated = layer.Call(x);
        var dy = Tensor.Randn(generated.Shape.ToArray());
        generated.Backward(dy);
        var generatedGrads = Gradients(layer, x);

        layer.ZeroGrad();
        x.Grad = null;
        Tensor.ManualSeed(99);
        var reference = eager(layer, x);
        reference.Backward(dy);
        var eagerGrads = Gradients(layer, x);

        Assert.Equal(reference.Shape.ToArray(), generated.Shape.ToArray());
        Close($"{kernel} output", reference.Data, generated.Data);
        foreach (var (name, grad) in eagerGrads)
        {
            Close($"{kernel} d/d{name}", grad, generatedGrads[name]);
        }
    }

    private static Dictionary<string, float[]> Gradients(ILayer layer, Tensor x)
    {
        var grads = new Dictionary<string, float[]> { ["input"] = x.Grad!.ToArray() };
        foreach (var (name, parameter) in layer.NamedParameters())
        {
            grads[name] = parameter.Grad!.ToArray();
        }

        return grads;
    }

    /// <summary>
    /// Both paths compute in float32 from the same inputs, differing only in the order of operations
    /// (fused loops vs one op at a time, vector lanes vs scalar sums): a few roundings of values of size
    /// about max(1, |expected|), so 1e-5 absolute + 1e-5 relative.
    /// </summary>
    private static void Close(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= 1e-5 + (1e-5 * Math.Abs(expected[i])),
                $"{what}[{i}]: eager {expected[i]:G9}, generated {actual[i]:G9}");
        }
    }
}
