using System;
using System.Collections.Generic;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// The eager reference ops against libtorch's forward and backward (Fixtures/*.json): the reference
/// that generated kernels are compared with must itself agree with the independent oracle.
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
        ["centered_4x128"] = x => x - x.Mean(), // CenteredLayer: the mean over all elements, batch included
    };

    public static TheoryData<string> Names() => new(OpsByFixture.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_and_backward_match_libtorch(string name)
    {
        Fixture fixture = Fixture.Load(name);
        FixtureTensor input = fixture.Inputs["x"];
        Tensor x = Tensor.From(input.Data, input.Shape);
        x.RequiresGrad = true;

        Tensor y = OpsByFixture[name](x);
        TensorAssert.Close(fixture.Output, y.Data, y.Shape, $"{name} output");

        y.Backward(Tensor.From(fixture.Dy.Data, fixture.Dy.Shape));
        TensorAssert.Close(fixture.Grads["x"], x.Grad!.Data, x.Grad.Shape, $"{name} grad x");
    }
}
