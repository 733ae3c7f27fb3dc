using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>Sequential composition, its span chaining, parameter naming and module printing.</summary>
public sealed class SequentialTests
{
    [Fact]
    public void Children_are_indexed_and_named_by_position()
    {
        var a = new HandLinear(4, 3, new Random(1));
        var b = new HandRelu(3);
        var net = new Sequential(a, b);
        Assert.Equal(2, net.Count);
        Assert.Same(a, net[0]);
        Assert.Same(b, net[1]);
        Assert.Equal(["0", "1"], net.NamedChildren().Select(c => c.Key));
        Assert.Equal(4, net.InputRowLength);
        Assert.Equal(3, net.OutputRowLength);
        Assert.Equal("Sequential", net.LayerName);
        Assert.Equal("Sequential", net.KernelName);
    }

    [Fact]
    public void Named_parameters_are_dotted_and_listed_once_by_identity()
    {
        var random = new Random(2);
        var shared = new HandLinear(3, 3, random);
        var net = new Sequential(new Sequential(new HandLinear(4, 3, random), shared), new HandRelu(3), shared);

        Assert.Equal(["0.0.weight", "0.0.bias", "0.1.weight", "0.1.bias"], net.NamedParameters().Select(p => p.Key));
        Assert.Same(shared.Weight, net.NamedParameters().Single(p => p.Key == "0.1.weight").Value);
        Assert.Equal(4, net.Parameters().Count());
    }

    [Fact]
    public void Module_string_is_pytorchs_repr()
    {
        var random = new Random(3);
        var flat = new Sequential(new HandLinear(2, 2, random), new HandLinear(2, 2, random));
        Assert.Equal("Sequential(\n  (0): HandLinear()\n  (1): HandLinear()\n)", flat.ToModuleString());

        var nested = new Sequential(new Sequential(new HandLinear(2, 2, random)), new HandRelu(2));
        Assert.Equal(
            "Sequential(\n  (0): Sequential(\n    (0): HandLinear()\n  )\n  (1): HandRelu()\n)",
            nested.ToModuleString());
        Assert.Equal(nested.ToModuleString(), nested.ToString());
        Assert.Equal("HandRelu()", new HandRelu(2).ToModuleString());
    }

    [Fact]
    public void ZeroGrad_zeroes_every_parameter_gradient_in_place()
    {
        var random = new Random(4);
        var net = new Sequential(new HandLinear(3, 2, random), new HandLinear(2, 1, random));
        net.Call(Tensor.Ones(2, 3)).Sum().Backward();
        Tensor[] grads = net.Parameters().Select(p => p.Grad!).ToArray();
        Assert.Contains(grads, g => g.Data.Any(v => v != 0));

        net.ZeroGrad();
        Tensor[] after = net.Parameters().Select(p => p.Grad!).ToArray();
        Assert.Equal(grads, after); // the same buffers
        Assert.All(after, g => Assert.All(g.Data, v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void Span_chaining_matches_chained_calls_including_a_layer_used_twice()
    {
        var random = new Random(5);
        var shared = new HandLinear(4, 4, random);
        var net = new Sequential(new HandLinear(6, 4, random), new HandRelu(4), shared, new HandRelu(4), shared);
        const int Rows = 3;
        Tensor x = HandLinear.RandomTensor(random, Rows, 6);
        Tensor dy = HandLinear.RandomTensor(random, Rows, 4);

        // Reference: tensor-level calls, each child its own autograd node.
        x.RequiresGrad = true;
        Tensor y = net.Call(x);
        y.Backward(dy);
        float[] expectedInputGrad = x.Grad!.ToArray();
        float[][] expectedParameterGrads = net.Parameters().Select(p => p.Grad!.ToArray()).ToArray();
        net.ZeroGrad();

        // Span API over caller-owned buffers.
        var output = new float[Rows * 4];
        var saved = new float[net.SavedLength(Rows)];
        Assert.Equal(4 * Rows * 4 + 2 * Rows * 4, saved.Length); // 4 intermediates + 2 relu masks
        net.ForwardSpan(Rows, x.Data, output, saved);
        Assert.Equal(y.Data, output);

        var inputGrad = new float[Rows * 6];
        net.BackwardSpan(Rows, x.Data, output, dy.Data, inputGrad, saved);
        Assert.Equal(expectedInputGrad, inputGrad);
        Assert.Equal(expectedParameterGrads, net.Parameters().Select(p => p.Grad!.ToArray()).ToArray());
    }

    [Fact]
    public void An_empty_input_gradient_still_gives_parameter_gradients()
    {
        var random = new Random(6);
        var first = new HandLinear(2, 2, random);
        var net = new Sequential(first, new HandRelu(2));
        var x = Tensor.Ones(1, 2);
        var output = new float[2];
        var saved = new float[net.SavedLength(1)];
        net.ForwardSpan(1, x.Data, output, saved);
        net.BackwardSpan(1, x.Data, output, [1f, 1f], Span<float>.Empty, saved);
        Assert.NotNull(first.Weight.Grad);
    }

    [Fact]
    public void Rows_follow_the_ratio_of_row_lengths()
    {
        // 2 rows of 8 floats out of the linear layer are 4 rows of 4 for the relu.
        var net = new Sequential(new HandLinear(6, 8, new Random(7)), new HandRelu(4));
        Assert.Equal(2 * 8 + 4 * 4, net.SavedLength(2));

        var misfit = new Sequential(new HandLinear(6, 6, new Random(8)), new HandRelu(4));
        var error = Assert.Throws<ArgumentException>(() => misfit.SavedLength(1));
        Assert.Contains("HandRelu", error.Message);
    }

    [Fact]
    public void A_batch_size_that_does_not_fit_leaves_the_previous_plan_whole()
    {
        // The plan for 2 rows is kept between calls; planning 1 row (6 floats, not rows of 4) throws part-way
        // through, and the next call for 2 rows must not run on the half-overwritten plan.
        var random = new Random(9);
        ILayer[] children = [new HandLinear(6, 6, random), new HandRelu(4)];
        var net = new Sequential(children);
        Tensor x = HandLinear.RandomTensor(random, 2, 6);
        var saved = new float[net.SavedLength(2)];
        Assert.Throws<ArgumentException>(() => net.SavedLength(1));
        var output = new float[12];
        net.ForwardSpan(2, x.Data, output, saved);

        var fresh = new Sequential(children); // the same children, planned once
        var expected = new float[12];
        fresh.ForwardSpan(2, x.Data, expected, new float[fresh.SavedLength(2)]);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void A_warm_backward_allocates_nothing()
    {
        var random = new Random(9);
        var net = new Sequential(new HandLinear(8, 16, random), new HandRelu(16), new HandLinear(16, 4, random));
        const int Rows = 5;
        Tensor x = HandLinear.RandomTensor(random, Rows, 8);
        var output = new float[Rows * 4];
        var saved = new float[net.SavedLength(Rows)];
        var dy = new float[Rows * 4];
        var inputGrad = new float[Rows * 8];
        dy.AsSpan().Fill(1f);

        Assert.Equal(0, Allocations.AfterWarmUp(() =>
        {
            net.ForwardSpan(Rows, x.Data, output, saved);
            net.BackwardSpan(Rows, x.Data, output, dy, inputGrad, saved);
        }));
    }

    [Fact]
    public void An_empty_sequential_is_the_identity()
    {
        var net = new Sequential();
        Tensor x = Tensor.From(1f, 2);
        Assert.Same(x, net.Call(x));
        Assert.Equal(0, net.SavedLength(2));
        var output = new float[2];
        net.ForwardSpan(2, x.Data, output, []);
        Assert.Equal([1f, 2], output);
        Assert.Equal("Sequential()", net.ToModuleString());
    }
}
