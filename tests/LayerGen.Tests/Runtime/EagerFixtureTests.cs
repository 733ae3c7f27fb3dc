using System;
using System.Collections.Generic;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// The eager reference ops against libtorch's forward and backward (Fixtures/*.json), including the
/// chapter's layers and exercises run on the eager path: the reference that generated kernels are compared
/// with must itself agree with the independent oracle.
/// </summary>
public sealed class EagerFixtureTests
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> OpsByFixture = new()
    {
        ["op_relu"] = Ops.Relu,
        ["op_tanh"] = Ops.Tanh,
        ["op_sigmoid"] = Ops.Sigmoid,
        ["op_exp"] = Ops.Exp,
        ["op_sum_last"] = x => x.Sum(-1),
        ["op_mean_last"] = x => x.Mean(-1),
        ["op_square"] = x => x * x,
        ["op_square via Square"] = x => x.Square(),
        ["op_softmax_last"] = x => x.Softmax(-1),
        ["op_log_softmax_last"] = x => x.LogSoftmax(-1),
        ["op_gelu_tanh"] = x => Ops.Gelu(x, approximate: "tanh"),
        ["op_gelu_tanh_special"] = x => Ops.Gelu(x, approximate: "tanh"),
        ["op_gelu"] = x => Ops.Gelu(x),
        ["op_gelu_special"] = x => Ops.Gelu(x, approximate: "none"),
        ["op_erf"] = Ops.Erf,
        ["op_erf_special"] = x => x.Erf(),
        ["op_sqrt_abs_plus1"] = x => Ops.Sqrt(x.Abs() + 1f),
        ["centered_4x128"] = x => x - x.Mean(), // CenteredLayer: the mean over all elements, batch included
        ["fourier_half_64_b8"] = Ops.FftHalf, // the Fourier exercise: [8, 64] -> [8, 32, 2]
    };

    // A case runs on the fixture its name starts with ("op_square via Square" on op_square).
    private static string FixtureOf(string name) => name.Split(' ')[0];

    public static TheoryData<string> Names() => new(OpsByFixture.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_and_backward_match_libtorch(string name)
    {
        Fixture fixture = Fixture.Load(FixtureOf(name));
        FixtureTensor input = fixture.Inputs["x"];
        Tensor x = Tensor.From(input.Data, input.Shape);
        x.RequiresGrad = true;

        Tensor y = OpsByFixture[name](x);
        TensorAssert.Close(fixture.Output, y.Data, y.Shape, $"{name} output");

        y.Backward(Tensor.From(fixture.Dy.Data, fixture.Dy.Shape));
        TensorAssert.Close(fixture.Grads["x"], x.Grad!.Data, x.Grad.Shape, $"{name} grad x");
    }

    /// <summary>Exercise 1: y[b, k] = sum_ij W[i, j, k] x[b, i] x[b, j], the input passed to the einsum twice.</summary>
    [Fact]
    public void Bilinear_einsum_matches_libtorch()
    {
        Fixture fixture = Fixture.Load("bilinear_16_8_b8");
        FixtureTensor input = fixture.Inputs["x"], w = fixture.Parameters["weight"];
        Tensor x = Tensor.From(input.Data, input.Shape);
        Tensor weight = Tensor.From(w.Data, w.Shape).AsParameter();
        x.RequiresGrad = true;

        Tensor y = Ops.Einsum("ijk,bi,bj->bk", weight, x, x);
        TensorAssert.Close(fixture.Output, y.Data, y.Shape, "bilinear output");

        y.Backward(Tensor.From(fixture.Dy.Data, fixture.Dy.Shape));
        TensorAssert.Close(fixture.Grads["x"], x.Grad!.Data, x.Grad.Shape, "bilinear grad x (both uses of x)");
        TensorAssert.Close(fixture.Grads["weight"], weight.Grad!.Data, weight.Grad.Shape, "bilinear grad weight");
    }
}
