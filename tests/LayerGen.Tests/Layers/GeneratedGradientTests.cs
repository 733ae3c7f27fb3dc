using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using LayerGen.Tests.Layers.OpLayers;
using Xunit;
using Xunit.Abstractions;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Every op's generated backward against central finite differences of its generated forward, through small
/// [Layer]s that use it with parameters (the input's and every parameter's gradient are checked):
/// <list type="bullet">
/// <item>a table with one case per rule of the generator's VJP table (VjpLayers.cs), each run twice: on the
/// kernel specialised for a constant construction and on the run-time-bounded kernel (sizes from a
/// variable), asserting which ran;</item>
/// <item>one test per op or op family whose loops depend on shapes and axes (OpLayers.cs: softmax, GELU and
/// erf, roots, powers and clamps, max/min, comparisons, rearrangements), on a specialised kernel and, over
/// random shapes (CsCheck), on the run-time-bounded one.</item>
/// </list>
/// </summary>
/// <remarks>
/// The table's loss is L = Σ y·dy (fixed random dy on [-1, 1]) summed in double from float outputs; step and
/// tolerances, with their justification and the measured errors, are on <see cref="LayerGradCheck"/>.
/// Data keep away from kinks and poles by more than one step's effect: relu's pre-activation
/// |x·w + b| ≥ 0.05 while a step moves it by ≤ 1.5h = 0.015; log's argument ≥ 0.35; divisors |·| ≥ 0.5;
/// exp's argument |x·w| ≤ 1.5.
/// </remarks>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // seeds the global stream: no other test may draw from it meanwhile (finite differences near a clamp corner fail)
public sealed class GeneratedGradientTests
{
    private const int Batch = 3;
    private readonly ITestOutputHelper _output;

    public GeneratedGradientTests(ITestOutputHelper output)
    {
        _output = output;
        Tensor.ManualSeed(20261128); // the per-op tests draw their inputs from the global stream
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in Table.Keys)
        {
            data.Add(name, "specialised");
            data.Add(name, "run-time");
        }

        return data;
    }

    // The run-time constructions read their sizes through this, so no construction of the same sizes
    // is a compile-time constant (which would give them a specialised kernel instead).
    private static int RunTime(int size) => size;

    private static readonly Spec Positive = new(0.5, 2.0);
    private static readonly Spec AwayFromZero = new(-2.0, 2.0, Away: 0.5);

    private sealed record Case(
        Func<ILayer> Specialised,
        string SpecialisedKernel,
        Func<ILayer> RunTimeSized,
        Spec Input,
        Dictionary<string, Spec>? Parameters = null,
        Func<ILayer, int[]>? Features = null);

    private static readonly Dictionary<string, Case> Table = new()
    {
        ["add, [n] parameter"] = new(() => new VjpAdd(19), "VjpAdd[n=19]", () => new VjpAdd(RunTime(20)), Spec.Default),
        ["sub, both sides"] = new(() => new VjpSub(19), "VjpSub[n=19]", () => new VjpSub(RunTime(20)), Spec.Default),
        ["mul, broadcast and same shape"] = new(() => new VjpMul(19), "VjpMul[n=19]", () => new VjpMul(RunTime(20)), Spec.Default),
        ["div, both sides"] = new(() => new VjpDiv(19), "VjpDiv[n=19]", () => new VjpDiv(RunTime(20)), AwayFromZero,
            new() { ["d"] = AwayFromZero }),
        ["neg"] = new(() => new VjpNeg(19), "VjpNeg[n=19]", () => new VjpNeg(RunTime(20)), Spec.Default),
        ["relu"] = new(() => new VjpRelu(19), "VjpRelu[n=19]", () => new VjpRelu(RunTime(20)), new(-1.5, 1.5, Away: 0.3),
            new() { ["w"] = new(0.5, 1.5), ["b"] = new(-0.1, 0.1) }),
        ["tanh"] = new(() => new VjpTanh(19), "VjpTanh[n=19]", () => new VjpTanh(RunTime(20)), Spec.Default),
        ["sigmoid"] = new(() => new VjpSigmoid(19), "VjpSigmoid[n=19]", () => new VjpSigmoid(RunTime(20)), Spec.Default),
        ["exp"] = new(() => new VjpExp(19), "VjpExp[n=19]", () => new VjpExp(RunTime(20)), Spec.Default,
            new() { ["w"] = new(-1, 1) }),
        ["log"] = new(() => new VjpLog(19), "VjpLog[n=19]", () => new VjpLog(RunTime(20)), Positive,
            new() { ["w"] = new(0.5, 1.5), ["b"] = new(0.1, 0.5) }),
        ["sum of all"] = new(() => new VjpSumAll(19), "VjpSumAll[n=19]", () => new VjpSumAll(RunTime(20)), Spec.Default),
        ["mean of all"] = new(() => new VjpMeanAll(19), "VjpMeanAll[n=19]", () => new VjpMeanAll(RunTime(20)), Spec.Default),
        ["sum axis 1 keepDim"] = new(() => new VjpSumAxisKeep(19), "VjpSumAxisKeep[n=19]", () => new VjpSumAxisKeep(RunTime(20)), Spec.Default),
        ["sum axis 1"] = new(() => new VjpSumAxis(19), "VjpSumAxis[n=19]", () => new VjpSumAxis(RunTime(20)), Spec.Default),
        ["mean axis -1 keepDim"] = new(() => new VjpMeanAxisKeep(19), "VjpMeanAxisKeep[n=19]", () => new VjpMeanAxisKeep(RunTime(20)), Spec.Default),
        ["mean axis 1"] = new(() => new VjpMeanAxis(19), "VjpMeanAxis[n=19]", () => new VjpMeanAxis(RunTime(20)), Spec.Default),
        ["sum middle axis keepDim, 3-d input"] = new(() => new VjpSumMiddleAxis(3, 19), "VjpSumMiddleAxis[m=3, n=19]",
            () => new VjpSumMiddleAxis(RunTime(4), RunTime(20)), Spec.Default, Features: Shape2("w")),
        ["mean batch axis keepDim"] = new(() => new VjpBatchMean(19), "VjpBatchMean[n=19]", () => new VjpBatchMean(RunTime(20)), Spec.Default),
        ["sum batch axis"] = new(() => new VjpBatchSum(19), "VjpBatchSum[n=19]", () => new VjpBatchSum(RunTime(20)), Spec.Default),
        ["matmul"] = new(() => new VjpMatMul(7, 19), "VjpMatMul[inUnits=7, units=19]", () => new VjpMatMul(RunTime(9), RunTime(20)), Spec.Default),
        ["matmul transposed"] = new(() => new VjpMatMulT(19, 7), "VjpMatMulT[inUnits=19, units=7]", () => new VjpMatMulT(RunTime(20), RunTime(9)), Spec.Default),
        ["matmul vector"] = new(() => new VjpMatVec(19), "VjpMatVec[inUnits=19]", () => new VjpMatVec(RunTime(20)), Spec.Default),
        ["[1] parameters and scalar constants"] = new(() => new VjpScalarBroadcast(19), "VjpScalarBroadcast[n=19]",
            () => new VjpScalarBroadcast(RunTime(20)), Spec.Default),
        ["scalar [] parameter"] = new(() => new VjpScalarParam(19), "VjpScalarParam[n=19]", () => new VjpScalarParam(RunTime(20)), Spec.Default),
    };

    private static Func<ILayer, int[]> Shape2(string parameter) =>
        layer => layer.NamedParameters().Single(p => p.Key == parameter).Value.Shape.ToArray();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_backward_matches_central_differences_of_the_generated_forward(string rule, string kernel)
    {
        Case c = Table[rule];
        bool runTime = kernel == "run-time";
        ILayer layer = runTime ? c.RunTimeSized() : c.Specialised();
        Assert.Equal(runTime ? layer.LayerName + "[run-time sizes]" : c.SpecialisedKernel, layer.KernelName);

        var random = new Random(rule.Length * 7919 + (runTime ? 1 : 0));
        int[] features = c.Features?.Invoke(layer) ?? [layer.InputRowLength];
        Tensor x = LayerGradCheck.Prepare(layer, [Batch, .. features], random, c.Input, c.Parameters);
        float[] dy = LayerGradCheck.OutputGradient(layer.Call, x, random);

        var pairs = LayerGradCheck.Compare(layer, layer.Call, x, dy);
        _output.WriteLine($"{layer.KernelName}: worst |diff|/(scale+|numeric|) = {LayerGradCheck.WorstMixedError(pairs):G3}");
        LayerGradCheck.AssertClose($"{rule} on {layer.KernelName}", pairs);
    }

    // The ops whose loops depend on shapes and axes, over random run-time shapes.

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
