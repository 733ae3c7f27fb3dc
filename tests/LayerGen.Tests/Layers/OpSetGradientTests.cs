using System;
using CsCheck;
using LayerGen.Tests.Layers.OpSet;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Every op of the wider op set through its generated kernels: the backward against finite
/// differences of the forward, on a specialised kernel and, over random shapes (CsCheck), on the
/// run-time-bounded one.
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // seeds the global stream: no other test may draw from it meanwhile (finite differences near a clamp corner fail)
public class OpSetGradientTests
{
    public OpSetGradientTests() => Tensor.ManualSeed(20261128);

    private static void Check(ILayer layer, int[] inputShape, string expectedKernel)
    {
        Assert.Equal(expectedKernel, layer.KernelName);
        FiniteDifferences.Check(layer, Tensor.Randn(inputShape));
    }

    /// <summary>Random shapes for run-time-bounded kernels: sizes not multiples of the vector width, and wider than it.</summary>
    private static void ForRandomShapes(Action<int, int, int> check) =>
        Gen.Select(Gen.Int[1, 4], Gen.Int[2, 11], Gen.Int[2, 5]).Sample((rows, n, m) => check(rows, n, m), iter: 6, seed: "0N0XIzNsQ0O2");

    [Fact]
    public void Softmax_last()
    {
        Check(new SoftmaxLast(7), [3, 7], "SoftmaxLast[n=7]");
        ForRandomShapes((rows, n, _) => Check(new SoftmaxLast(n + 20), [rows, n + 20], "SoftmaxLast[run-time sizes]"));
    }

    [Fact]
    public void Log_softmax_last()
    {
        Check(new LogSoftmaxLast(7), [3, 7], "LogSoftmaxLast[n=7]");
        ForRandomShapes((rows, n, _) => Check(new LogSoftmaxLast(n + 20), [rows, n + 20], "LogSoftmaxLast[run-time sizes]"));
    }

    [Fact]
    public void Softmax_over_a_middle_axis()
    {
        Check(new SoftmaxMiddle(3, 4), [2, 3, 4], "SoftmaxMiddle[m=3, n=4]");
        ForRandomShapes((rows, n, m) => Check(new SoftmaxMiddle(m + 10, n), [rows, m + 10, n], "SoftmaxMiddle[run-time sizes]"));
    }

    [Fact]
    public void Gelu()
    {
        // n + 40: GeluOp and ErfOp also have specialised kernels for n = 37 (TorchFixturePathTests).
        Check(new GeluOp(7), [3, 7], "GeluOp[n=7]");
        ForRandomShapes((rows, n, _) => Check(new GeluOp(n + 40), [rows, n + 40], "GeluOp[run-time sizes]"));
    }

    [Fact]
    public void Gelu_tanh() => ForRandomShapes((rows, n, _) => Check(new GeluTanhOp(n + 40), [rows, n + 40], "GeluTanhOp[run-time sizes]"));

    [Fact]
    public void Erf()
    {
        Check(new ErfOp(7), [3, 7], "ErfOp[n=7]");
        ForRandomShapes((rows, n, _) => Check(new ErfOp(n + 40), [rows, n + 40], "ErfOp[run-time sizes]"));
    }

    [Fact]
    public void Sqrt_and_abs() => ForRandomShapes((rows, n, _) => Check(new SqrtAbsPlusOne(n + 30), [rows, n + 30], "SqrtAbsPlusOne[run-time sizes]"));

    [Fact]
    public void Pow_clamp_square()
    {
        Check(new PowClampSquare(9), [2, 9], "PowClampSquare[n=9]");
        ForRandomShapes((rows, n, _) => Check(new PowClampSquare(n + 30), [rows, n + 30], "PowClampSquare[run-time sizes]"));
    }

    [Fact]
    public void Max_and_min_along_an_axis()
    {
        Check(new MaxMinLast(6), [3, 6], "MaxMinLast[n=6]");
        ForRandomShapes((rows, n, _) => Check(new MaxMinLast(n + 30), [rows, n + 30], "MaxMinLast[run-time sizes]"));
    }

    [Fact]
    public void Maximum_and_minimum_of_two_tensors()
    {
        Check(new MaximumMinimum(9), [4, 9], "MaximumMinimum[n=9]");
        ForRandomShapes((rows, n, _) => Check(new MaximumMinimum(n + 30), [rows, n + 30], "MaximumMinimum[run-time sizes]"));
    }

    [Fact]
    public void Comparison_masks_and_where()
    {
        Check(new LeakyWhere(9), [4, 9], "LeakyWhere[n=9]");
        ForRandomShapes((rows, n, _) => Check(new LeakyWhere(n + 30), [rows, n + 30], "LeakyWhere[run-time sizes]"));
    }

    [Fact]
    public void Transpose_and_permute()
    {
        Check(new TransposePermute(3, 4), [2, 3, 4], "TransposePermute[m=3, n=4]");
        ForRandomShapes((rows, n, m) => Check(new TransposePermute(m + 10, n), [rows, m + 10, n], "TransposePermute[run-time sizes]"));
    }

    [Fact]
    public void Reshape_and_view() => Check(new ReshapeView(), [3, 4, 3], "ReshapeView");

    [Fact]
    public void Narrow_slice_concat_stack() => Check(new NarrowSliceConcatStack(), [3, 5], "NarrowSliceConcatStack");
}
