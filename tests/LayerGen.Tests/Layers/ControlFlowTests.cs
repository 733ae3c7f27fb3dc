using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.ControlFlow;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Control flow resolved at compile time (issue 16) through the generated kernels: a <c>for</c> loop over a size,
/// a reassigned local and an array of tensors joined by <c>Ops.Stack</c>, against PyTorch (Fixtures/rnn_*.json,
/// tools/fixtures/control_flow_fixtures.py), finite differences of the generated forward and the eager path, on the
/// kernel specialised for constant sizes and on the run-time-bounded one.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class ControlFlowTests
{
    /// <summary>A value the generator cannot see at the construction site.</summary>
    private static T FromVariable<T>(T value) => value;

    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    /// <summary>The layer for a kernel; the loop's bound (numSteps) is 5 in both, the value of the constant construction.</summary>
    private static UnrolledRnn Rnn(string kernel) =>
        kernel == "specialised" ? new UnrolledRnn(5, 3, 4) : new UnrolledRnn(FromVariable(5), FromVariable(2), FromVariable(6));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void An_rnn_unrolled_over_its_time_steps_matches_PyTorch(string kernel)
    {
        var layer = Rnn(kernel);
        Assert.Equal(kernel == "specialised" ? "UnrolledRnn[numSteps=5, numInputs=3, numHiddens=4]" : "UnrolledRnn[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(kernel == "specialised" ? "rnn_unrolled" : "rnn_unrolled_runtime"));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_unrolled_rnn_matches_finite_differences_and_the_eager_path(string kernel)
    {
        var random = new Random(1616);
        var layer = Rnn(kernel);
        int inputs = kernel == "specialised" ? 3 : 2;
        var x = LayerGradCheck.Prepare(layer, new[] { 4, 5, inputs }, random, Spec.Default, layer.NamedParameters().ToDictionary(p => p.Key, _ => Spec.Default));
        var dy = LayerGradCheck.OutputGradient(layer.Call, x, random);
        LayerGradCheck.AssertClose(layer.KernelName, LayerGradCheck.Compare(layer, layer.Call, x, dy));

        using (GradMode.NoGrad())
        {
            var generated = layer.Call(x);
            var eager = layer.CallEager(x);
            Assert.Equal(eager.Shape.ToArray(), generated.Shape.ToArray());
            for (int i = 0; i < eager.Count; i++)
            {
                Assert.True(TensorAssert.IsClose(eager.Data[i], generated.Data[i], 1e-5, 1e-5), $"element {i}: eager {eager.Data[i]}, generated {generated.Data[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void An_rnn_written_with_helpers_and_a_conditional_matches_PyTorch_finite_differences_and_the_eager_path(string kernel)
    {
        var layer = kernel == "specialised" ? new HelperRnn(5, 3, 4) : new HelperRnn(FromVariable(5), FromVariable(2), FromVariable(6));
        Assert.Equal(kernel == "specialised" ? "HelperRnn[numSteps=5, numInputs=3, numHiddens=4]" : "HelperRnn[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(kernel == "specialised" ? "rnn_unrolled" : "rnn_unrolled_runtime"));

        var random = new Random(1617);
        layer.ZeroGrad();
        var x = LayerGradCheck.Prepare(layer, new[] { 3, 5, kernel == "specialised" ? 3 : 2 }, random, Spec.Default, layer.NamedParameters().ToDictionary(p => p.Key, _ => Spec.Default));
        var dy = LayerGradCheck.OutputGradient(layer.Call, x, random);
        LayerGradCheck.AssertClose(layer.KernelName, LayerGradCheck.Compare(layer, layer.Call, x, dy));
        using (GradMode.NoGrad())
        {
            var generated = layer.Call(x);
            var eager = layer.CallEager(x);
            for (int i = 0; i < eager.Count; i++)
            {
                Assert.True(TensorAssert.IsClose(eager.Data[i], generated.Data[i], 1e-5, 1e-5), $"element {i}: eager {eager.Data[i]}, generated {generated.Data[i]}");
            }
        }
    }

    [Theory]
    [InlineData("specialised", true)]
    [InlineData("specialised", false)]
    [InlineData("run-time", true)]
    [InlineData("run-time", false)]
    public void A_branch_on_a_bool_hyperparameter_matches_PyTorch_finite_differences_and_the_eager_path(string kernel, bool useBias)
    {
        // The flag from a variable in both: it never chooses the kernel, the sizes do.
        var layer = kernel == "specialised" ? new OptionalBias(4, 3, FromVariable(useBias)) : new OptionalBias(FromVariable(5), 2, useBias);
        Assert.Equal(kernel == "specialised" ? "OptionalBias[numInputs=4, numOutputs=3]" : "OptionalBias[run-time sizes]", layer.KernelName);
        string fixture = (useBias ? "optional_bias_on" : "optional_bias_off") + (kernel == "specialised" ? string.Empty : "_runtime");
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(fixture));

        var random = new Random(useBias ? 1618 : 1619);
        layer.ZeroGrad();
        var x = LayerGradCheck.Prepare(layer, new[] { 4, kernel == "specialised" ? 4 : 5 }, random, Spec.Default, layer.NamedParameters().ToDictionary(p => p.Key, _ => Spec.Default));
        var dy = LayerGradCheck.OutputGradient(layer.Call, x, random);
        LayerGradCheck.AssertClose(layer.KernelName, LayerGradCheck.Compare(layer, layer.Call, x, dy));
        using (GradMode.NoGrad())
        {
            var generated = layer.Call(x);
            var eager = layer.CallEager(x);
            for (int i = 0; i < eager.Count; i++)
            {
                Assert.True(TensorAssert.IsClose(eager.Data[i], generated.Data[i], 1e-5, 1e-5), $"element {i}: eager {eager.Data[i]}, generated {generated.Data[i]}");
            }
        }
    }

    [Fact]
    public void An_instance_with_another_number_of_steps_than_the_loop_was_unrolled_for_is_refused_when_constructed()
    {
        var error = Assert.Throws<ArgumentException>(() => new UnrolledRnn(FromVariable(6), 3, 4));
        Assert.Equal("numSteps", error.ParamName);
        Assert.Contains("unrolled at compile time for numSteps = 5", error.Message);
        Assert.Contains("this instance has numSteps = 6", error.Message);
    }
}
