using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.SeveralInputs;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.TupleLiterals;

/// <summary>
/// Tuples written out in a forward (issue 16): a swap <c>(a, b) = (b, a)</c> (the right side read before either local is
/// written, as C#), <c>var (y, s) = (..., ...)</c>, a recurrence carrying <c>(h, c) = (newH, newC)</c> through a loop, and
/// helpers returning tuples. Through the generated kernels on both kernel kinds, against libtorch's MyLinear fixtures, the
/// eager path and finite differences.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class TupleLiteralTests
{
    private static T FromVariable<T>(T value) => value;

    [Fact]
    public void A_swap_then_a_tuple_taken_apart_is_PyTorchs_linear_then_relu_on_the_specialised_kernel()
    {
        var layer = new SwappedLinear(5, 3);
        Assert.Equal("SwappedLinear[inUnits=5, units=3]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("my_linear_5_3_b2"));
    }

    [Fact]
    public void A_swap_then_a_tuple_taken_apart_is_PyTorchs_linear_then_relu_on_the_run_time_kernel()
    {
        var layer = new SwappedLinear(FromVariable(20), FromVariable(12));
        Assert.Equal("SwappedLinear[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("my_linear_20_12_b4"));
    }

    [Fact]
    public void A_state_carried_as_a_tuple_through_a_loop_agrees_with_the_eager_path_and_finite_differences()
    {
        Tensor.ManualSeed(41);
        var layer = new TupleRecurrence(4, 3);
        Assert.Equal("TupleRecurrence[steps=4, n=3]", layer.KernelName);
        var x = Tensor.Randn(2, 4, 3);
        var eager = layer.CallEager(x);
        var generated = layer.Call(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), generated.Data, generated.Shape, "output");
        FiniteDifferences.Check(layer, x);
    }

    [Fact]
    public void Swapped_inputs_and_a_helpers_tuple_returned_as_it_is_agree_with_the_eager_path_and_finite_differences()
    {
        Tensor.ManualSeed(42);
        var layer = new SwappedPair(4);
        Assert.Equal("SwappedPair[n=4]", layer.KernelName);
        var x = Tensor.Randn(3, 4);
        var y = Tensor.Randn(3, 4);
        var (first, second) = layer.Call(x, y);
        var (eagerFirst, eagerSecond) = layer.CallEager(x, y);
        TensorAssert.Close(new FixtureTensor(eagerFirst.Shape.ToArray(), eagerFirst.Data), first.Data, first.Shape, "first");
        TensorAssert.Close(new FixtureTensor(eagerSecond.Shape.ToArray(), eagerSecond.Data), second.Data, second.Shape, "second");
        SeveralInputFiniteDifferences.Check(
            layer,
            (a, b) =>
            {
                var (p, q) = layer.Call(a, b);
                return p + (q * 2f);
            },
            Tensor.Randn(3, 4),
            Tensor.Randn(3, 4));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_tuple_reassigned_in_a_branch_on_a_hyperparameter_agrees_with_the_eager_path_and_finite_differences(bool swap)
    {
        Tensor.ManualSeed(43);
        var layer = new BranchSwap(4, swap);
        Assert.Equal("BranchSwap[n=4]", layer.KernelName);
        var x = Tensor.Randn(3, 4);
        var y = Tensor.Randn(3, 4);
        var (first, second) = layer.Call(x, y);
        var (eagerFirst, eagerSecond) = layer.CallEager(x, y);
        TensorAssert.Close(new FixtureTensor(eagerFirst.Shape.ToArray(), eagerFirst.Data), first.Data, first.Shape, $"swap {swap} first");
        TensorAssert.Close(new FixtureTensor(eagerSecond.Shape.ToArray(), eagerSecond.Data), second.Data, second.Shape, $"swap {swap} second");
        SeveralInputFiniteDifferences.Check(
            layer,
            (a, b) =>
            {
                var (p, q) = layer.Call(a, b);
                return p + (q * 3f);
            },
            Tensor.Randn(3, 4),
            Tensor.Randn(3, 4));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_tuple_returned_inside_a_branch_on_a_hyperparameter_agrees_with_the_eager_path_and_finite_differences(bool swap)
    {
        Tensor.ManualSeed(44);
        var layer = new EarlyTupleReturn(4, swap);
        Assert.Equal("EarlyTupleReturn[n=4]", layer.KernelName);
        var x = Tensor.Randn(3, 4);
        var y = Tensor.Randn(3, 4);
        var (first, second) = layer.Call(x, y);
        var (eagerFirst, eagerSecond) = layer.CallEager(x, y);
        TensorAssert.Close(new FixtureTensor(eagerFirst.Shape.ToArray(), eagerFirst.Data), first.Data, first.Shape, $"swap {swap} first");
        TensorAssert.Close(new FixtureTensor(eagerSecond.Shape.ToArray(), eagerSecond.Data), second.Data, second.Shape, $"swap {swap} second");
        SeveralInputFiniteDifferences.Check(
            layer,
            (a, b) =>
            {
                var (p, q) = layer.Call(a, b);
                return p + (q * 3f);
            },
            Tensor.Randn(3, 4),
            Tensor.Randn(3, 4));
    }
}
