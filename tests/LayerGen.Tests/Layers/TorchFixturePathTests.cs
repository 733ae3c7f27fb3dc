using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.OpLayers;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// The PyTorch fixtures of tools/fixtures/make_fixtures.py — exact GELU, its tanh form and erf, and NaN and ±∞
/// through relu, clamp, maximum/minimum, max/min along an axis and a matmul epilogue — through every path: the
/// generated kernel specialised for the fixture's size, the run-time-sized kernel, the eager forward
/// (<c>CallEager</c>) and, for ReLU, the built-in layer. Outputs and the gradients of the input and of every
/// parameter are checked.
/// </summary>
/// <remarks>
/// An element-wise op maps a permuted input to the same permutation of its output (and so of its gradients),
/// so element-wise cases run once per rotation of the elements: every value, NaN included, passes through
/// every position of the loops — the Vector512 pass (where the hardware has one), the Vector&lt;float&gt; loop and
/// the scalar tail, whatever the vector width (run also with DOTNET_EnableAVX2=0). Where a parameter lies along
/// the last axis, that axis is rotated in every tensor that has it. A reduction along the axis is not rotated
/// (with two NaN in a row, the first one takes the gradient), and its NaN sit at the first, a middle and the
/// last position instead.
/// </remarks>
public sealed class TorchFixturePathTests
{
    private enum Rotation
    {
        None,

        /// <summary>All elements, in row-major order (element-wise ops without parameters).</summary>
        Flat,

        /// <summary>The last axis, in every tensor whose last axis is the fixture's n (a parameter along it).</summary>
        LastAxis,
    }

    private sealed record Case(
        string Fixture,
        Func<ILayer> Constant,
        string ConstantKernel,
        Func<ILayer> RunTime,
        string RunTimeKernel,
        Func<ILayer, Tensor, Tensor> Eager,
        Rotation Rotation);

    private const int N = 37; // the fixtures' last axis: 37 = 2·16 + 5 = 4·8 + 5 = 9·4 + 1, a tail at every width

    // A literal n = 37 gives the element-wise layers specialised kernels, which any construction with 37 then gets;
    // their run-time kernels (and eager paths) run the fixtures' 3 × 37 elements as one row of 111. The others have
    // twins for their specialised kernels (OpLayers.cs).
    private const int OneRow = 111;

    private static readonly Dictionary<string, Case> Cases = new Case[]
    {
        new("op_erf", () => new ErfOp(37), "ErfOp[n=37]", () => Sized(n => new ErfOp(n), OneRow), "ErfOp[run-time sizes]", (l, x) => ((ErfOp)l).CallEager(x), Rotation.Flat),
        new("op_erf_special", () => new ErfOp(37), "ErfOp[n=37]", () => Sized(n => new ErfOp(n), OneRow), "ErfOp[run-time sizes]", (l, x) => ((ErfOp)l).CallEager(x), Rotation.Flat),
        new("op_gelu", () => new GeluOp(37), "GeluOp[n=37]", () => Sized(n => new GeluOp(n), OneRow), "GeluOp[run-time sizes]", (l, x) => ((GeluOp)l).CallEager(x), Rotation.Flat),
        new("op_gelu_special", () => new GeluOp(37), "GeluOp[n=37]", () => Sized(n => new GeluOp(n), OneRow), "GeluOp[run-time sizes]", (l, x) => ((GeluOp)l).CallEager(x), Rotation.Flat),
        new("op_gelu_tanh_special", () => new GeluTanhOp(37), "GeluTanhOp[n=37]", () => Sized(n => new GeluTanhOp(n), OneRow), "GeluTanhOp[run-time sizes]", (l, x) => ((GeluTanhOp)l).CallEager(x), Rotation.Flat),
        new("op_relu_special", () => new ReluSized(37), "ReluSized[n=37]", () => Sized(n => new ReluSized(n), OneRow), "ReluSized[run-time sizes]", (l, x) => ((ReluSized)l).CallEager(x), Rotation.Flat),
        new("op_clamp_special", () => new ClampOp(37), "ClampOp[n=37]", () => Sized(n => new ClampOp(n), OneRow), "ClampOp[run-time sizes]", (l, x) => ((ClampOp)l).CallEager(x), Rotation.Flat),
        new("op_clamp_min_above_max", () => new ClampMinAboveMax(37), "ClampMinAboveMax[n=37]", () => Sized(n => new ClampMinAboveMax(n), OneRow), "ClampMinAboveMax[run-time sizes]", (l, x) => ((ClampMinAboveMax)l).CallEager(x), Rotation.Flat),
        new("op_maximum_minimum_special", () => new MaximumMinimum37(37), "MaximumMinimum37[n=37]", () => Sized(n => new MaximumMinimum(n)), "MaximumMinimum[run-time sizes]", (l, x) => ((MaximumMinimum)l).CallEager(x), Rotation.LastAxis),
        new("op_max_min_last_special", () => new MaxMinLast37(37), "MaxMinLast37[n=37]", () => Sized(n => new MaxMinLast(n)), "MaxMinLast[run-time sizes]", (l, x) => ((MaxMinLast)l).CallEager(x), Rotation.None),
        new("op_linear_relu_k4_special", () => new ReluLinear37(4, 37), "ReluLinear37[k=4, n=37]", () => Sized(n => new ReluLinear(4, n)), "ReluLinear[run-time sizes]", (l, x) => ((ReluLinear)l).CallEager(x), Rotation.LastAxis),
        new("op_linear_relu_k16_special", () => new ReluLinear37(16, 37), "ReluLinear37[k=16, n=37]", () => Sized(n => new ReluLinear(16, n)), "ReluLinear[run-time sizes]", (l, x) => ((ReluLinear)l).CallEager(x), Rotation.LastAxis),
    }.ToDictionary(c => c.Fixture);

    public static TheoryData<string> Fixtures => new(Cases.Keys);

    /// <summary>Builds through a parameter, so no literal size makes the construction a specialised one.</summary>
    private static ILayer Sized(Func<int, ILayer> create, int n = N) => create(n);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_specialised_kernel_matches_PyTorch(string fixture)
    {
        var c = Cases[fixture];
        CheckEveryRotation(c.Constant(), c.ConstantKernel, Fixture.Load(fixture), c.Rotation, (layer, x) => layer.Call(x));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_run_time_kernel_matches_PyTorch(string fixture)
    {
        var c = Cases[fixture];
        CheckEveryRotation(c.RunTime(), c.RunTimeKernel, Fixture.Load(fixture), c.Rotation, AtRunTimeWidth(c, (layer, x) => layer.Call(x)));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_eager_path_matches_PyTorch(string fixture)
    {
        var c = Cases[fixture];
        CheckEveryRotation(c.RunTime(), c.RunTimeKernel, Fixture.Load(fixture), c.Rotation, AtRunTimeWidth(c, c.Eager));
    }

    /// <summary>Runs <paramref name="forward"/> on the elements as one row when the case's run-time layer is built for <see cref="OneRow"/>.</summary>
    private static Func<ILayer, Tensor, Tensor> AtRunTimeWidth(Case c, Func<ILayer, Tensor, Tensor> forward) =>
        c.Rotation != Rotation.Flat ? forward : (layer, x) => forward(layer, x.Reshape(1, OneRow)).Reshape(x.Shape.ToArray());

    [Fact]
    public void The_built_in_ReLU_layer_matches_PyTorch() =>
        CheckEveryRotation(new ReLU(), "ReLU", Fixture.Load("op_relu_special"), Rotation.Flat, (layer, x) => layer.Call(x));

    [Fact]
    public void The_eager_Relu_matches_PyTorch() =>
        CheckEveryRotation(new ReLU(), "ReLU", Fixture.Load("op_relu_special"), Rotation.None, (_, x) => Ops.Relu(x));

    private static void CheckEveryRotation(ILayer layer, string kernel, Fixture fixture, Rotation rotation, Func<ILayer, Tensor, Tensor> forward)
    {
        Assert.Equal(kernel, layer.KernelName);
        int count = rotation switch
        {
            Rotation.Flat => fixture.Inputs["x"].ElementCount,
            Rotation.LastAxis => N,
            _ => 1,
        };
        for (int k = 0; k < count; k++)
        {
            FixtureTensor Turn(FixtureTensor t) => Rotate(t, k, rotation);
            Check(
                layer,
                Turn(fixture.Inputs["x"]),
                fixture.Parameters.ToDictionary(p => p.Key, p => Turn(p.Value)),
                Turn(fixture.Output),
                Turn(fixture.Dy),
                fixture.Grads.ToDictionary(p => p.Key, p => Turn(p.Value)),
                forward,
                $"{fixture.Name} through {kernel}{(count > 1 ? $", rotated by {k}" : string.Empty)}");
        }
    }

    private static void Check(
        ILayer layer,
        FixtureTensor input,
        Dictionary<string, FixtureTensor> parameters,
        FixtureTensor output,
        FixtureTensor dy,
        Dictionary<string, FixtureTensor> grads,
        Func<ILayer, Tensor, Tensor> forward,
        string what)
    {
        var named = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(parameters.Keys.Order(), named.Keys.Order());
        foreach (var (name, value) in parameters)
        {
            value.Data.CopyTo(named[name].Data, 0);
        }

        layer.ZeroGrad();
        var x = input.ToTensor();
        x.RequiresGrad = true;
        var y = forward(layer, x);
        TensorAssert.Close(output, y.Data, y.Shape, $"{what}: output");

        y.Backward(dy.ToTensor());
        TensorAssert.Close(grads["x"], x.Grad!.Data, x.Grad.Shape, $"{what}: d/dx");
        foreach (var (name, parameter) in named)
        {
            TensorAssert.Close(grads[name], parameter.Grad!.Data, parameter.Grad.Shape, $"{what}: d/d{name}");
        }
    }

    /// <summary>The tensor with its elements (or its last axis, when that is <see cref="N"/> long) moved k places on.</summary>
    private static FixtureTensor Rotate(FixtureTensor t, int k, Rotation rotation)
    {
        double[] values = t.Values;
        var rotated = new double[values.Length];
        switch (rotation)
        {
            case Rotation.Flat:
                for (int i = 0; i < values.Length; i++)
                {
                    rotated[(i + k) % values.Length] = values[i];
                }

                break;
            case Rotation.LastAxis when t.Shape.Length > 0 && t.Shape[^1] == N:
                for (int i = 0; i < values.Length; i++)
                {
                    int row = i / N, column = i % N;
                    rotated[(row * N) + ((column + k) % N)] = values[i];
                }

                break;
            default:
                return t;
        }

        return new FixtureTensor(t.Shape, rotated);
    }
}
