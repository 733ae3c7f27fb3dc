using System;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.Expand;

/// <summary>
/// torch's expand through the generated kernels (issue 16): <c>Ops.Concat(-1, x, p.Expand(x.Size(0), -1))</c>, a
/// <c>[1, n]</c> row scale with <c>ExpandAs</c>, a token stretched over the steps — against PyTorch
/// (Fixtures/expand_*.json, tools/fixtures/expand_fixtures.py), output and every gradient, on the kernel specialised for a
/// constant construction and on the run-time-bounded one; against finite differences and the eager path; and the eager
/// op's own rules and errors.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class ExpandTests
{
    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    /// <summary>A value the generator cannot see at the construction site.</summary>
    private static T FromVariable<T>(T value) => value;

    private static string Name(string fixture, string kernel) => kernel == "specialised" ? fixture : fixture + "_runtime";

    private static string Expected(string kernel, string specialised) => kernel == "specialised" ? specialised : specialised.Split('[')[0] + "[run-time sizes]";

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_parameter_expanded_to_the_batch_and_joined_to_the_input_matches_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new ConcatLearned(4, 2, 3) : new ConcatLearned(FromVariable(3), 3, 2);
        Assert.Equal(Expected(kernel, "ConcatLearned[n=4, m=2, h=3]"), layer.KernelName);
        FixtureLayerCheck.Check(layer, Fixture.Load(Name("expand_concat", kernel)), i => layer.Call(i[0]), "x");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_token_expanded_over_batch_and_steps_matches_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new StepsWithToken(3, 2, 4) : new StepsWithToken(FromVariable(2), 3, 2);
        Assert.Equal(Expected(kernel, "StepsWithToken[steps=3, n=2, m=4]"), layer.KernelName);
        FixtureLayerCheck.Check(layer, Fixture.Load(Name("expand_steps", kernel)), i => layer.Call(i[0]), "x");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_generated_backward_matches_finite_differences_and_the_eager_path(string kernel)
    {
        Tensor.ManualSeed(16);
        var concat = kernel == "specialised" ? new ConcatLearned(4, 2, 3) : new ConcatLearned(FromVariable(3), 3, 2);
        FixtureLayerCheck.FiniteDifferencesAndEager(concat, i => concat.Call(i[0]), i => concat.CallEager(i[0]), kernel == "specialised" ? [5, 4] : [2, 3]);

        var steps = kernel == "specialised" ? new StepsWithToken(3, 2, 4) : new StepsWithToken(FromVariable(2), 3, 2);
        FixtureLayerCheck.FiniteDifferencesAndEager(steps, i => steps.Call(i[0]), i => steps.CallEager(i[0]), kernel == "specialised" ? [2, 3, 2] : [3, 2, 3]);
    }

    [Fact]
    public void The_eager_Expand_and_Unsqueeze_follow_torch_and_Expand_names_both_shapes_when_sizes_do_not_fit()
    {
        var p = Tensor.From(1f, 2, 3);
        p.RequiresGrad = true;
        var y = p.Expand(2, -1);
        Assert.Equal([2, 3], y.Shape.ToArray());
        Assert.Equal([1f, 2, 3, 1, 2, 3], y.Data);
        y.Backward(Tensor.From(1f, 10, 100, 1000, 10000, 100000).Reshape(2, 3));
        Assert.Equal([1001f, 10010, 100100], p.Grad!.Data); // summed over the added axis
        Assert.Equal([2, 4, 3], Tensor.Randn(4, 1).Expand(2, -1, 3).Shape.ToArray());
        Assert.Equal([5, 3], Tensor.Randn(1, 3).ExpandAs(Tensor.Randn(5, 3)).Shape.ToArray());

        var wide = Assert.Throws<ArgumentException>(() => p.Expand(2, 4));
        Assert.Contains("The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]", wide.Message);
        var leading = Assert.Throws<ArgumentException>(() => p.Expand(-1, 3));
        Assert.Contains("isn't allowed in a leading, non-existing dimension 0", leading.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Randn(2, 3).Expand(3));

        // Unsqueeze: torch's, a size-1 axis where a negative dim counts from the end of the result.
        Assert.Equal([3, 1], Tensor.Randn(3).Unsqueeze(-1).Shape.ToArray());
        Assert.Equal([1, 3], Tensor.Randn(3).Unsqueeze(0).Shape.ToArray());
        Assert.Equal([2, 1, 3], Tensor.Randn(2, 3).Unsqueeze(-2).Shape.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Randn(3).Unsqueeze(2));
    }
}
