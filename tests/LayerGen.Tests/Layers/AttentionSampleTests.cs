using System;
using System.IO;
using System.Linq;
using Attention;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// The Attention sample (samples/Attention, D2L's chapter 11; its Layers.cs and AttentionDemo.cs are linked into this
/// project): the demo runs with every gradient check passing and prints D2L's shapes; each layer's generated kernels
/// agree with its eager path on the output and every gradient; and a warm span forward + backward of the scaled
/// dot-product attention allocates nothing, in eval mode and with dropout.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class AttentionSampleTests
{
    [Fact]
    public void The_sample_runs_prints_D2Ls_shapes_and_passes_its_gradient_checks()
    {
        var output = new StringWriter();
        bool ok = AttentionDemo.Run(output);
        string text = output.ToString();
        Assert.True(ok, text);
        Assert.Contains("input shapes: [2, 1, 2], [2, 10, 2], [2, 10, 4], [2] -> output shape: [2, 1, 4]", text);
        Assert.Contains("with equal keys, each example's output is the mean of its first valid_lens values: True", text);
        Assert.Contains("input shapes: [2, 4, 100], [2, 6, 100], [2, 6, 100], [2] -> output shape: [2, 4, 100]", text);
        Assert.Contains("input shapes: [2, 3, 4] -> output shape: [2, 3, 8]", text);
        Assert.Contains("input shapes: [2, 100, 24] -> output shape: [2, 100, 24]", text);
        Assert.Contains("kernel: MultiHeadAttention[numHiddens=100, numHeads=5, queries=4, keyValues=6]", text);
        Assert.Contains("input shapes: [1, 60, 32] -> output shape: [1, 60, 32]", text);
        // sin(1), cos(1), sin(1 / 10000^(2/32)), cos(...): the table the constructor computed, read by the generated forward
        Assert.Contains("encoding of zeros at position 1, dimensions 0..3: 0.8415, 0.5403, 0.5332, 0.8460", text);
        Assert.Contains("kernel: PositionalEncoding[numSteps=60, numHiddens=32, maxLen=1000]", text);
        Assert.Contains("every gradient check passed", text);
    }

    [Fact]
    public void Multi_head_attention_and_the_encoder_block_agree_with_their_eager_paths()
    {
        Tensor.ManualSeed(1611);
        var multiHead = new MultiHeadAttention(12, 3, 4, 6, 0.5f);
        multiHead.Train(false);
        AssertAgree(multiHead, i => multiHead.Call(i[0], i[1], i[2], i[3]), i => multiHead.CallEager(i[0], i[1], i[2], i[3]), Tensor.Randn(2, 4, 12), Tensor.Randn(2, 6, 12), Tensor.Randn(2, 6, 12), Tensor.From(4f, 1f));

        var block = new TransformerEncoderBlock(8, 16, 2, 5, 0.5f);
        block.Train(false);
        AssertAgree(block, i => block.Call(i[0], i[1]), i => block.CallEager(i[0], i[1]), Tensor.Randn(3, 5, 8), Tensor.From(5f, 2f, 0f));

        // A run-time construction: the run-time-bounded kernels of every layer in the tree.
        int heads = FromVariable(2);
        var runTime = new MultiHeadAttention(8, heads, 3, 5, 0f);
        Assert.Equal("MultiHeadAttention[run-time sizes]", runTime.KernelName);
        AssertAgree(runTime, i => runTime.Call(i[0], i[1], i[2], i[3]), i => runTime.CallEager(i[0], i[1], i[2], i[3]), Tensor.Randn(2, 3, 8), Tensor.Randn(2, 5, 8), Tensor.Randn(2, 5, 8), Tensor.From(3f, 5f));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_warm_span_forward_and_backward_of_dot_product_attention_allocates_nothing(bool training)
    {
        var layer = new DotProductAttention(3, 4, 8, 2, 0.25f);
        layer.Train(training);
        const int rows = 5;
        float[] q = Filled(rows * 3 * 8), k = Filled(rows * 4 * 8), v = Filled(rows * 4 * 2), lens = [1, 4, 2, 3, 0];
        var y = new float[rows * 3 * 2];
        var dy = Filled(y.Length);
        float[] dq = new float[q.Length], dk = new float[k.Length], dv = new float[v.Length], dlens = new float[lens.Length];
        var saved = new float[layer.SavedLength(rows)];
        Assert.Equal(0, Allocations.AfterWarmUp(() =>
        {
            layer.ForwardSpan(rows, q, k, v, lens, y, saved);
            layer.BackwardSpan(rows, q, k, v, lens, y, dy, dq, dk, dv, dlens, saved);
        }));
    }

    [Theory]
    [InlineData("specialised")]
    [InlineData("run-time")]
    public void Masked_dot_product_attention_matches_D2Ls_masked_softmax_in_PyTorch(string kernel)
    {
        // Fixtures/attention_masked*.json (tools/fixtures/attention_fixtures.py): D2L's masked_softmax, copied from the
        // book; the output and the gradients of queries, keys and values, and none (zeros) for the lengths.
        var layer = kernel == "specialised" ? new DotProductAttention(2, 4, 3, 2, 0f) : new DotProductAttention(FromVariable(3), 3, 2, 2, 0f);
        Assert.Equal(kernel == "specialised" ? "DotProductAttention[queries=2, keyValues=4, d=3, v=2]" : "DotProductAttention[run-time sizes]", layer.KernelName);
        var fixture = Fixture.Load(kernel == "specialised" ? "attention_masked" : "attention_masked_runtime");
        Expand.FixtureLayerCheck.Check(layer, fixture, i => layer.Call(i[0], i[1], i[2], i[3]), "q", "k", "values", "validLens");
    }

    /// <summary>A value the generator cannot see at the construction site.</summary>
    private static T FromVariable<T>(T value) => value;

    private static float[] Filled(int length) => Enumerable.Range(0, length).Select(i => MathF.Sin(i * 0.37f)).ToArray();

    private static void AssertAgree(IModule layer, Func<Tensor[], Tensor> generated, Func<Tensor[], Tensor> eager, params Tensor[] inputs)
    {
        var dy = Tensor.Randn(eager(inputs).Shape.ToArray());
        float[][] Run(Func<Tensor[], Tensor> call)
        {
            layer.ZeroGrad();
            foreach (var input in inputs)
            {
                input.Grad = null;
                input.RequiresGrad = true;
            }

            // The valid lengths are only compared: no gradient (null on the eager path, as in PyTorch; zeros from the kernels).
            call(inputs).Backward(dy);
            return new[] { call(inputs).ToArray() }.Concat(inputs.Select(i => i.Grad?.ToArray() ?? new float[i.Count])).Concat(layer.Parameters().Select(p => p.Grad!.ToArray())).ToArray();
        }

        var g = Run(generated);
        var e = Run(eager);
        Assert.Equal(e.Length, g.Length);
        for (int t = 0; t < e.Length; t++)
        {
            Assert.Equal(e[t].Length, g[t].Length);
            for (int i = 0; i < e[t].Length; i++)
            {
                Assert.True(TensorAssert.IsClose(e[t][i], g[t][i], 1e-5, 1e-4), $"{layer.KernelName} tensor {t} [{i}]: eager {e[t][i]}, generated {g[t][i]}");
            }
        }
    }
}
