using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.SizeExpressions;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Sizes of the constructor's int parameters as op arguments (issue 16): <c>Reshape(-1, steps, heads, d / heads)</c>,
/// <c>Narrow</c>/<c>Slice</c> bounds such as <c>h + g - 1</c>, a <c>Concat</c> whose joined axis is <c>h + g</c>.
/// Each layer against PyTorch (Fixtures/sizes_*.json, tools/fixtures/make_fixtures.py), against finite differences of
/// the generated forward and against the eager path, on the kernel specialised for constant sizes and on the
/// run-time-bounded one; and the construction-time check of what only the arguments decide (<c>d % heads</c>).
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class SizeExpressionTests
{
    /// <summary>A value the generator cannot see at the construction site, so the run-time-bounded kernel runs.</summary>
    private static T FromVariable<T>(T value) => value;

    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    private static HeadSplit HeadSplitFor(string kernel) =>
        kernel == "specialised" ? new HeadSplit(3, 6, 2) : new HeadSplit(FromVariable(2), FromVariable(8), FromVariable(4));

    private static SplitGate SplitGateFor(string kernel) =>
        kernel == "specialised" ? new SplitGate(4, 3, 2) : new SplitGate(FromVariable(5), FromVariable(2), FromVariable(3));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_reshape_by_d_over_heads_and_back_matches_PyTorch(string kernel)
    {
        var layer = HeadSplitFor(kernel);
        Assert.Equal(kernel == "specialised" ? "HeadSplit[steps=3, d=6, heads=2]" : "HeadSplit[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(Name("sizes_head_split", kernel)));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Narrow_and_Slice_with_bounds_from_sizes_over_a_joined_axis_match_PyTorch(string kernel)
    {
        var layer = SplitGateFor(kernel);
        Assert.Equal(kernel == "specialised" ? "SplitGate[n=4, h=3, g=2]" : "SplitGate[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(Name("sizes_split_gate", kernel)));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Gradients_match_finite_differences_and_outputs_the_eager_path(string kernel)
    {
        var random = new Random(1616);
        var head = HeadSplitFor(kernel);
        var gate = SplitGateFor(kernel);
        var cases = new (ILayer Layer, int[] Input)[]
        {
            (head, kernel == "specialised" ? new[] { 2, 3, 6 } : new[] { 2, 2, 8 }),
            (gate, new[] { 3, kernel == "specialised" ? 4 : 5 }),
            (kernel == "specialised" ? new JoinedGate(3, 4) : new JoinedGate(FromVariable(2), FromVariable(5)), new[] { 3, 7 }),
            (kernel == "specialised" ? new PerHeadScale(2, 6, 3) : new PerHeadScale(FromVariable(3), FromVariable(8), FromVariable(2)), kernel == "specialised" ? new[] { 2, 2, 6 } : new[] { 2, 3, 8 }),
        };

        foreach (var (layer, shape) in cases)
        {
            var x = LayerGradCheck.Prepare(layer, shape, random, Spec.Default);
            var dy = LayerGradCheck.OutputGradient(layer.Call, x, random);
            LayerGradCheck.AssertClose(layer.KernelName, LayerGradCheck.Compare(layer, layer.Call, x, dy));

            using (GradMode.NoGrad())
            {
                var generated = layer.Call(x);
                var eager = layer.CallEager(x);
                Assert.Equal(eager.Shape.ToArray(), generated.Shape.ToArray());
                for (int i = 0; i < eager.Count; i++)
                {
                    Assert.True(TensorAssert.IsClose(eager.Data[i], generated.Data[i], 1e-5, 1e-5), $"{layer.KernelName} [{i}]: eager {eager.Data[i]}, generated {generated.Data[i]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_declared_input_and_a_weight_of_numInputs_plus_numHiddens_match_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new JoinedGate(3, 4) : new JoinedGate(FromVariable(2), FromVariable(5));
        Assert.Equal(kernel == "specialised" ? "JoinedGate[numInputs=3, numHiddens=4]" : "JoinedGate[run-time sizes]", layer.KernelName);
        Assert.Equal(kernel == "specialised" ? new[] { 7, 4 } : new[] { 7, 5 }, layer.W.Shape.ToArray());
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(Name("sizes_joined_gate", kernel)));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_parameter_of_d_over_heads_applied_to_every_head_matches_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new PerHeadScale(2, 6, 3) : new PerHeadScale(FromVariable(3), FromVariable(8), FromVariable(2));
        Assert.Equal(kernel == "specialised" ? "PerHeadScale[steps=2, d=6, heads=3]" : "PerHeadScale[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(Name("sizes_per_head_scale", kernel)));
    }

    [Fact]
    public void An_input_of_the_wrong_width_is_refused_with_the_declared_sum_evaluated()
    {
        var layer = new JoinedGate(FromVariable(2), FromVariable(5));
        var error = Assert.ThrowsAny<ArgumentException>(() => layer.Call(Tensor.Randn(3, 6)));
        Assert.StartsWith("JoinedGate expected an input of shape [*, 7] but got [3, 6]", error.Message);
    }

    [Fact]
    public void A_d_that_heads_does_not_divide_is_refused_when_the_layer_is_constructed()
    {
        var error = Assert.Throws<ArgumentException>(() => new HeadSplit(FromVariable(4), FromVariable(10), FromVariable(3)));
        Assert.Equal(
            "HeadSplit: (x * scale).Reshape(-1, steps, heads, d / heads) needs heads * steps * (d / heads) == d * steps "
            + "(the element count is kept; d must be a multiple of heads), but with steps = 4, d = 10, heads = 3 that is 36 against 40.",
            error.Message);
    }

    /// <summary>The fixture for this kernel: the run-time one's has sizes no constant construction uses.</summary>
    private static string Name(string fixture, string kernel) => kernel == "specialised" ? fixture : fixture + "_runtime";
}
