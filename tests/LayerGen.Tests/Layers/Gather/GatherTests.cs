using System;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.Expand;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.Gather;

/// <summary>
/// torch.gather through the generated kernels (issue 16): <c>x.Gather(-1, index)</c> and <c>Ops.Gather(x, 1, index)</c>
/// with an int64 index input holding repeated positions — against PyTorch (Fixtures/gather_*.json, output and the
/// scatter-added gradients of x and the parameter) on the kernel specialised for a constant construction and on the
/// run-time-bounded one, against finite differences and the eager path; an index out of range is an error naming it and
/// the bound.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class GatherTests
{
    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    private static T FromVariable<T>(T value) => value;

    private static string Name(string fixture, string kernel) => kernel == "specialised" ? fixture : fixture + "_runtime";

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Scores_gathered_along_the_last_axis_match_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new PickedScores(5, 3) : new PickedScores(FromVariable(3), 4);
        Assert.Equal(kernel == "specialised" ? "PickedScores[n=5, k=3]" : "PickedScores[run-time sizes]", layer.KernelName);
        var fixture = Fixture.Load(Name("gather_last", kernel));
        var index = fixture.LayerIds("index");
        FixtureLayerCheck.Check(layer, fixture, i => layer.Call(i[0], index), "x");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Steps_gathered_along_axis_one_match_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new PickedSteps(3, 2, 2) : new PickedSteps(FromVariable(2), 3, 3);
        Assert.Equal(kernel == "specialised" ? "PickedSteps[steps=3, k=2, d=2]" : "PickedSteps[run-time sizes]", layer.KernelName);
        var fixture = Fixture.Load(Name("gather_steps", kernel));
        var index = fixture.LayerIds("index");
        FixtureLayerCheck.Check(layer, fixture, i => layer.Call(i[0], index), "x");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_generated_backward_matches_finite_differences_and_the_eager_path(string kernel)
    {
        Tensor.ManualSeed(18);
        var scores = kernel == "specialised" ? new PickedScores(5, 3) : new PickedScores(FromVariable(3), 4);
        var ids = kernel == "specialised" ? Tensor.FromIds([4, 0, 4, 1, 1, 2], 2, 3) : Tensor.FromIds([2, 2, 0, 1], 1, 4);
        int[] shape = kernel == "specialised" ? [2, 5] : [1, 3];
        FixtureLayerCheck.FiniteDifferencesAndEager(scores, i => scores.Call(i[0], ids), i => scores.CallEager(i[0], ids), shape);

        var steps = kernel == "specialised" ? new PickedSteps(3, 2, 2) : new PickedSteps(FromVariable(2), 3, 3);
        var stepIds = kernel == "specialised" ? Tensor.FromIds([2, 0, 2, 2], 1, 2, 2) : Tensor.FromIds([1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1], 2, 3, 3);
        int[] stepShape = kernel == "specialised" ? [1, 3, 2] : [2, 2, 3];
        FixtureLayerCheck.FiniteDifferencesAndEager(steps, i => steps.Call(i[0], stepIds), i => steps.CallEager(i[0], stepIds), stepShape);
    }

    [Fact]
    public void An_index_out_of_range_is_an_error_naming_it_and_the_bound()
    {
        var layer = new PickedScores(5, 3);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Call(Tensor.Randn(2, 5), Tensor.FromIds([0, 1, 2, 3, 5, 4], 2, 3)));
        Assert.Contains("Gather: index 5 at position 4 is out of range for a dimension of size 5", error.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => new PickedScores(FromVariable(4), 1).Call(Tensor.Randn(1, 4), Tensor.FromIds([-1], 1, 1)));
        Assert.Contains("Gather: index -1 at position 0 is out of range for a dimension of size 4", negative.Message);
    }
}
