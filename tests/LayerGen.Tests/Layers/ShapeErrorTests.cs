using System;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Wrong shapes at run time: <see cref="ILayer.Call"/> names the layer, the expected and the actual
/// shape; the span API names the layer and the buffer whose length is wrong. Nothing reaches a kernel
/// (which reads without bounds checks).
/// </summary>
public sealed class ShapeErrorTests
{
    private static int RunTime(int size) => size;

    [Theory]
    [InlineData(false, new[] { 2, 4 }, "[*, 5]", "[2, 4]")]
    [InlineData(false, new[] { 5, 2 }, "[*, 5]", "[5, 2]")]
    [InlineData(false, new[] { 2, 3, 6 }, "[*, 5]", "[2, 3, 6]")]
    [InlineData(false, new int[0], "[*, 5]", "[]")]
    [InlineData(true, new[] { 3, 5 }, "[*, 6]", "[3, 5]")]
    public void Call_with_the_wrong_feature_size_names_the_layer_and_both_shapes(bool runTime, int[] shape, string expected, string actual)
    {
        ILayer layer = runTime ? new MyLinear(RunTime(6), RunTime(2)) : new MyLinear(5, 3);
        Assert.Equal(runTime ? "MyLinear[run-time sizes]" : "MyLinear[inUnits=5, units=3]", layer.KernelName);

        var error = Assert.Throws<ArgumentException>(() => layer.Call(Tensor.Zeros(shape)));
        Assert.Contains("MyLinear", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(actual, error.Message, StringComparison.Ordinal);
        Assert.Equal("input", error.ParamName);
    }

    [Fact]
    public void Call_on_a_layer_with_two_feature_dimensions_reports_both()
    {
        var layer = new VjpSumMiddleAxis(3, 19);
        Assert.Equal("VjpSumMiddleAxis[m=3, n=19]", layer.KernelName);
        var error = Assert.Throws<ArgumentException>(() => layer.Call(Tensor.Zeros(2, 19, 3)));
        Assert.Contains("VjpSumMiddleAxis", error.Message, StringComparison.Ordinal);
        Assert.Contains("[*, 3, 19]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 19, 3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Call_with_leading_dimensions_flattens_them_into_rows()
    {
        // The positive side of the same check: any leading dimensions are accepted and kept.
        var layer = new MyLinear(5, 3);
        Assert.Equal([2, 4, 3], layer.Call(Tensor.Zeros(2, 4, 5)).Shape.ToArray());
        Assert.Equal([3], layer.Call(Tensor.Zeros(5)).Shape.ToArray());
    }

    public static TheoryData<string, string> Buffers() => new()
    {
        { "forward", "input" }, { "forward", "output" }, { "forward", "saved" },
        { "backward", "input" }, { "backward", "output" }, { "backward", "outputGrad" }, { "backward", "inputGrad" }, { "backward", "saved" },
    };

    [Theory]
    [MemberData(nameof(Buffers))]
    public void Span_calls_with_a_wrong_length_buffer_name_the_layer_and_the_buffer(string pass, string buffer)
    {
        foreach (ILayer layer in new ILayer[] { new MyLinear(5, 3), new MyLinear(RunTime(7), RunTime(4)) })
        {
            const int rows = 2;
            int Len(string name, int length) => name == buffer ? (name == "saved" ? length - 1 : length + 1) : length;
            var input = new float[Len("input", rows * layer.InputRowLength)];
            var output = new float[Len("output", rows * layer.OutputRowLength)];
            var outputGrad = new float[Len("outputGrad", rows * layer.OutputRowLength)];
            var inputGrad = new float[Len("inputGrad", rows * layer.InputRowLength)];
            var saved = new float[Len("saved", layer.SavedLength(rows))];
            var error = Assert.Throws<ArgumentException>(() =>
            {
                if (pass == "forward")
                {
                    layer.ForwardSpan(rows, input, output, saved);
                }
                else
                {
                    layer.BackwardSpan(rows, input, output, outputGrad, inputGrad, saved);
                }
            });
            Assert.Equal(buffer, error.ParamName);
            Assert.Contains("MyLinear", error.Message, StringComparison.Ordinal);
            Assert.Contains($"'{buffer}'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_saved_buffer_longer_than_needed_is_accepted()
    {
        var layer = new MyLinear(5, 3);
        layer.ForwardSpan(2, new float[10], new float[6], new float[layer.SavedLength(2) + 7]);
    }

    [Fact]
    public void An_empty_input_gradient_means_parameters_only()
    {
        var layer = new MyLinear(5, 3);
        var saved = new float[layer.SavedLength(2)];
        var input = new float[10];
        var output = new float[6];
        layer.ForwardSpan(2, input, output, saved);
        layer.BackwardSpan(2, input, output, new float[6], Span<float>.Empty, saved);
    }

    [Fact]
    public void Negative_rows_are_rejected()
    {
        var layer = new MyLinear(5, 3);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => layer.ForwardSpan(-1, [], [], []));
        Assert.Equal("rows", error.ParamName);
    }
}
