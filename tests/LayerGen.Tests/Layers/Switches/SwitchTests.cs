using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.RunTimeBranches;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.Switches;

/// <summary>
/// <c>switch</c> expressions and statements in a forward (issue 16): on an enum or bool hyperparameter every arm is built
/// and the kernels select one (the run-time kernel too); on a size only the matching arm is. Through the generated kernels
/// on both kernel kinds, against libtorch's MyLinear fixtures (relu(x W + b)), the eager path and finite differences.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class SwitchTests
{
    private static T FromVariable<T>(T value) => value;

    [Fact]
    public void A_switch_expression_choosing_relu_is_PyTorchs_linear_then_relu_on_the_specialised_kernel()
    {
        var layer = new SwitchedLinear(5, 3, Activation.Relu);
        Assert.Equal("SwitchedLinear[inUnits=5, units=3]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("my_linear_5_3_b2"));
    }

    [Fact]
    public void A_switch_expression_choosing_relu_is_PyTorchs_linear_then_relu_on_the_run_time_kernel()
    {
        var layer = new SwitchedLinear(FromVariable(20), FromVariable(12), FromVariable(Activation.Relu));
        Assert.Equal("SwitchedLinear[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("my_linear_20_12_b4"));
    }

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Identity)]
    public void Every_arm_agrees_with_the_eager_path_and_finite_differences(Activation activation)
    {
        Tensor.ManualSeed(51);
        var layer = new SwitchedLinear(4, 3, activation);
        AgreesWithEagerAndFiniteDifferences(layer, Tensor.Randn(5, 4), $"{activation}");
    }

    [Fact]
    public void A_switch_statement_returning_relu_is_PyTorchs_linear_then_relu()
    {
        // The Relu section returns relu(h) itself, before the '* 2f' the Tanh section runs on to.
        var layer = new SwitchStatementLinear(5, 3, Nonlinearity.Relu, false);
        Assert.Equal("SwitchStatementLinear[inUnits=5, units=3]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("my_linear_5_3_b2"));
    }

    [Theory]
    [InlineData(Nonlinearity.Relu, false)]
    [InlineData(Nonlinearity.Tanh, false)]
    [InlineData(Nonlinearity.Relu, true)]
    [InlineData(Nonlinearity.Tanh, true)]
    public void Every_section_and_bool_arm_agrees_with_the_eager_path_and_finite_differences(Nonlinearity nonlinearity, bool scaled)
    {
        Tensor.ManualSeed(52);
        var layer = new SwitchStatementLinear(4, 3, nonlinearity, scaled);
        AgreesWithEagerAndFiniteDifferences(layer, Tensor.Randn(5, 4), $"{nonlinearity} scaled={scaled}");
        var runTime = new SwitchStatementLinear(FromVariable(6), FromVariable(2), FromVariable(nonlinearity), FromVariable(scaled));
        Assert.Equal("SwitchStatementLinear[run-time sizes]", runTime.KernelName);
        AgreesWithEagerAndFiniteDifferences(runTime, Tensor.Randn(5, 6), $"run-time {nonlinearity} scaled={scaled}");
    }

    [Fact]
    public void A_switch_on_a_size_builds_the_arm_its_value_matches()
    {
        Tensor.ManualSeed(53);
        var layer = new HeadsSwitch(6, 2);
        Assert.Equal("HeadsSwitch[d=6, heads=2]", layer.KernelName);
        AgreesWithEagerAndFiniteDifferences(layer, Tensor.Randn(3, 6), "heads 2");
    }

    private static void AgreesWithEagerAndFiniteDifferences(ILayer layer, Tensor x, string what)
    {
        var eager = layer.CallEager(x);
        var generated = layer.Call(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), generated.Data, generated.Shape, what + " output");
        FiniteDifferences.Check(layer, x);
    }
}
