using System;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Layers.RunTimeFeatures;

/// <summary>
/// Structural ops on an input whose features nothing fixes — <c>x.Narrow(-1, 0, 2)</c>, <c>x.Slice(-1, 1, -1)</c>,
/// <c>Ops.FftHalf(x)</c> with no declaration — read the features at each call as a softmax does; the output's row
/// length then follows the input's (a constant, <c>features - 2</c>, <c>features / 2 * 2</c>), which
/// <c>OutputRowLength</c> reports once the input's is known and a Sequential chains. Checked against PyTorch through the
/// run-time kernel, the eager path on several widths with one instance, finite differences and a Sequential's span API;
/// a bound only the width decides is checked when the width is read.
/// </summary>
public class RunTimeStructuralTests
{
    [Fact]
    public void Narrow_with_no_declaration_matches_PyTorch()
    {
        var layer = new FirstTwoUndeclared();
        Assert.Equal("FirstTwoUndeclared[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("rtf_narrow_first_two"));
        Assert.Equal(5, layer.InputRowLength);
        Assert.Equal(2, layer.OutputRowLength);
    }

    [Fact]
    public void Slice_with_no_declaration_matches_PyTorch()
    {
        var layer = new InnerUndeclared();
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("rtf_slice_inner"));
        Assert.Equal(6, layer.InputRowLength);
        Assert.Equal(4, layer.OutputRowLength);
    }

    [Fact]
    public void FftHalf_with_no_declaration_matches_PyTorch()
    {
        var layer = new SpectrumUndeclared();
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("rtf_fft_half"));
        Assert.Equal(7, layer.InputRowLength);
        Assert.Equal(3 * 2, layer.OutputRowLength);
    }

    [Fact]
    public void Before_it_is_told_its_width_the_output_row_length_is_unknown_too()
    {
        Assert.Equal(0, new FirstTwoUndeclared().OutputRowLength);
        Assert.Equal(0, new SpectrumUndeclared().OutputRowLength);
    }

    [Fact]
    public void One_instance_serves_inputs_of_any_width_and_rank()
    {
        Tensor.ManualSeed(31);
        ILayer[] layers = { new FirstTwoUndeclared(), new InnerUndeclared(), new SpectrumUndeclared() };
        foreach (var layer in layers)
        {
            foreach (int[] shape in new[] { new[] { 4, 5 }, new[] { 2, 3, 9 }, new[] { 3, 4 }, new[] { 2, 16 } })
            {
                var x = Tensor.Randn(shape);
                var generated = layer.Call(x);
                var eager = layer.CallEager(x);
                Assert.Equal(eager.Shape.ToArray(), generated.Shape.ToArray());
                TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), generated.Data, generated.Shape, $"{layer.LayerName} x {Tensor.FormatShape(shape)}");
                Assert.Equal(shape[^1], layer.InputRowLength);
                Assert.Equal(generated.Count / (x.Count / shape[^1]), layer.OutputRowLength);
            }
        }
    }

    [Fact]
    public void Gradients_through_the_run_time_kernels_match_finite_differences()
    {
        Tensor.ManualSeed(32);
        ILayer[] layers = { new FirstTwoUndeclared(), new InnerUndeclared(), new SpectrumUndeclared() };
        foreach (var layer in layers)
        {
            var x = Tensor.Randn(3, 6);
            var y = layer.Call(x.Detach());
            var weights = Tensor.Randn(y.Shape.ToArray());
            x.RequiresGrad = true;
            (layer.Call(x) * weights).Sum().Backward();

            const float h = 1e-2f;
            for (int i = 0; i < x.Count; i++)
            {
                float Loss(float delta)
                {
                    var shifted = Tensor.From((float[])x.Data.Clone(), 3, 6);
                    shifted.Data[i] += delta;
                    return (layer.CallEager(shifted) * weights).Sum().Item();
                }

                float numeric = (Loss(h) - Loss(-h)) / (2 * h);
                Assert.True(Math.Abs(numeric - x.Grad!.Data[i]) <= 3e-3 + 3e-3 * Math.Abs(numeric), $"{layer.LayerName} d/dx[{i}]: numeric {numeric}, generated {x.Grad!.Data[i]}");
            }
        }
    }

    [Fact]
    public void A_Sequential_chains_the_row_length_the_narrow_gives()
    {
        Tensor.ManualSeed(33);
        var narrow = new FirstTwoUndeclared();
        var model = new Sequential(new Linear(4, 6), narrow, new Linear(2, 3));
        Assert.Equal(6, narrow.InputRowLength);
        Assert.Equal(2, narrow.OutputRowLength);
        Assert.Equal(3, model.OutputRowLength);

        var x = Tensor.Randn(5, 4);
        var output = new float[5 * 3];
        var saved = new float[model.SavedLength(5)];
        model.ForwardSpan(5, x.Data, output, saved);
        var eager = model.CallEager(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), output, eager.Shape, "span forward");
    }

    [Fact]
    public void A_Sequential_tells_a_run_time_layer_after_one_the_narrow_feeds()
    {
        Tensor.ManualSeed(34);
        var narrow = new FirstTwoUndeclared();
        var softmax = new UndeclaredSoftmax();
        var model = new Sequential(new Linear(3, 8), narrow, softmax);
        Assert.Equal(8, narrow.InputRowLength);
        Assert.Equal(2, softmax.InputRowLength);
        Assert.Equal(2, model.OutputRowLength);

        var x = Tensor.Randn(4, 3);
        var output = new float[4 * 2];
        var saved = new float[model.SavedLength(4)];
        model.ForwardSpan(4, x.Data, output, saved);
        var eager = model.CallEager(x);
        TensorAssert.Close(new FixtureTensor(eager.Shape.ToArray(), eager.Data), output, eager.Shape, "span forward");
    }

    [Fact]
    public void A_width_the_bounds_do_not_fit_is_refused_when_it_is_read()
    {
        var layer = new InnerUndeclared();
        var error = Assert.Throws<ArgumentException>(() => layer.Call(Tensor.Randn(3, 2)));
        Assert.Contains("InnerUndeclared: x.Slice(-1, 1, -1)", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ((IRunTimeRowLength)new InnerUndeclared()).InputRowLength = 2);
    }
}

/// <summary><c>torch.tanh(x.narrow(-1, 0, 2))</c>: nothing declares x.</summary>
[Layer]
public partial class FirstTwoUndeclared
{
    Tensor Forward(Tensor x) => Ops.Tanh(x.Narrow(-1, 0, 2));
}

/// <summary><c>x[..., 1:-1] ** 2</c>: nothing declares x.</summary>
[Layer]
public partial class InnerUndeclared
{
    Tensor Forward(Tensor x)
    {
        var inner = x.Slice(-1, 1, -1);
        return inner * inner;
    }
}

/// <summary>The half spectrum of each row: nothing declares x.</summary>
[Layer]
public partial class SpectrumUndeclared
{
    Tensor Forward(Tensor x) => Ops.FftHalf(x);
}
