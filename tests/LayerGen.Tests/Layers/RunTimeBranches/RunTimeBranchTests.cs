using System.Collections.Generic;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.Buffers;
using Xunit;

namespace LayerGen.Tests.Layers.RunTimeBranches;

/// <summary>
/// An enum hyperparameter compared with its members, and a <c>return</c> inside a branch on a hyperparameter or on
/// <c>Training</c>: both branches built, each running on to its return, the results (and the buffers the paths assign)
/// selected when the kernels run. Through the generated kernels, against libtorch's fixtures and finite differences.
/// </summary>
public class RunTimeBranchTests
{
    private static T FromVariable<T>(T value) => value;

    [Fact]
    public void An_enum_nonlinearity_of_relu_is_PyTorchs_linear_then_relu()
    {
        // MyLinear's fixture: relu(x W + b) with PyTorch's values and gradients.
        var layer = new Activated(5, 3, Nonlinearity.Relu);
        Assert.Equal("Activated[inUnits=5, units=3]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("my_linear_5_3_b2"));
    }

    [Fact]
    public void The_run_time_kernel_takes_the_enum_too()
    {
        var layer = new Activated(FromVariable(20), FromVariable(12), FromVariable(Nonlinearity.Relu));
        Assert.Equal("Activated[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("my_linear_20_12_b4"));
    }

    [Theory]
    [InlineData(Nonlinearity.Tanh)]
    [InlineData(Nonlinearity.Relu)]
    public void Both_members_agree_with_the_eager_path_and_finite_differences(Nonlinearity nonlinearity)
    {
        Tensor.ManualSeed(31);
        var layer = new Activated(4, 3, nonlinearity);
        var x = Tensor.Randn(5, 4);
        var eager = layer.CallEager(x);
        var generated = layer.Call(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), generated.Data, generated.Shape, $"{nonlinearity} output");
        FiniteDifferences.Check(layer, x);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_bool_branch_returning_early_agrees_with_the_eager_path_and_finite_differences(bool useTanh)
    {
        Tensor.ManualSeed(32);
        var layer = new Flagged(4, 3, useTanh);
        var x = Tensor.Randn(5, 4);
        var eager = layer.CallEager(x);
        var generated = layer.Call(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), generated.Data, generated.Shape, $"useTanh {useTanh} output");
        FiniteDifferences.Check(layer, x);
    }

    [Fact]
    public void Batch_norm_returning_early_in_eval_mode_matches_PyTorch_and_updates_its_statistics_in_training_only()
    {
        var fixture = Fixture.Load("batch_norm_1d");
        var layer = new EarlyReturnBatchNorm1d(4);
        Assert.Equal("EarlyReturnBatchNorm1d[numFeatures=4]", layer.KernelName);
        layer.LoadStateDict(
            new Dictionary<string, Tensor> { ["weight"] = fixture.Parameters["weight"].ToTensor(), ["bias"] = fixture.Parameters["bias"].ToTensor() },
            strict: false);
        BatchNormTests.CheckTheFixturesCalls(layer, fixture);
    }

    [Fact]
    public void Batch_norm_returning_early_matches_finite_differences_in_both_modes()
    {
        var layer = new EarlyReturnBatchNorm1d(4);
        Tensor.ManualSeed(33);
        FiniteDifferences.Check(layer, Tensor.Randn(6, 4));
        layer.Eval();
        FiniteDifferences.Check(layer, Tensor.Randn(6, 4));
    }
}
