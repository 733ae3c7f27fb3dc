using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.FreshTensors;

/// <summary>
/// <c>Tensor.Zeros(x.Size(0), n)</c> and <c>Tensor.Ones(...)</c> in a forward (issue 16) through the generated kernels:
/// D2L's RNN from a zero state against PyTorch (the fixture's forward starts from <c>torch.zeros(x.shape[0], hiddens)</c>),
/// finite differences and the eager path on both kernel kinds, and a warm span call that allocates nothing.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class FreshTensorTests
{
    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    /// <summary>A value the generator cannot see at the construction site.</summary>
    private static T FromVariable<T>(T value) => value;

    private static ZeroStateRnn Rnn(string kernel) =>
        kernel == "specialised" ? new ZeroStateRnn(5, 3, 4) : new ZeroStateRnn(FromVariable(5), FromVariable(2), FromVariable(6));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void An_rnn_from_a_zero_state_sized_by_the_batch_matches_PyTorch(string kernel)
    {
        var layer = Rnn(kernel);
        Assert.Equal(kernel == "specialised" ? "ZeroStateRnn[numSteps=5, numInputs=3, numHiddens=4]" : "ZeroStateRnn[run-time sizes]", layer.KernelName);
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load(kernel == "specialised" ? "rnn_unrolled" : "rnn_unrolled_runtime"));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Fresh_tensors_match_finite_differences_and_the_eager_path(string kernel)
    {
        var random = new Random(1617);
        var rnn = Rnn(kernel);
        CheckLayer(rnn, [4, 5, kernel == "specialised" ? 3 : 2], random);

        var ones = kernel == "specialised" ? new OnesColumn(3, 2) : new OnesColumn(FromVariable(4), 3);
        Assert.Equal(kernel == "specialised" ? "OnesColumn[n=3, units=2]" : "OnesColumn[run-time sizes]", ones.KernelName);
        CheckLayer(ones, [6, kernel == "specialised" ? 3 : 4], random);
    }

    [Fact]
    public void A_warm_span_forward_and_backward_with_a_fresh_state_allocates_nothing()
    {
        var layer = new ZeroStateRnn(5, 3, 4);
        const int rows = 4;
        var x = new float[rows * 5 * 3];
        var y = new float[rows * 5 * 4];
        var dy = new float[y.Length];
        var dx = new float[x.Length];
        var saved = new float[layer.SavedLength(rows)];
        Array.Fill(x, 0.25f);
        Array.Fill(dy, 1f);
        Assert.Equal(0, Allocations.AfterWarmUp(() =>
        {
            layer.ForwardSpan(rows, x, y, saved);
            layer.BackwardSpan(rows, x, y, dy, dx, saved);
        }));
    }

    private static void CheckLayer(ILayer layer, int[] shape, Random random)
    {
        var x = LayerGradCheck.Prepare(layer, shape, random, Spec.Default, layer.NamedParameters().ToDictionary(p => p.Key, _ => Spec.Default));
        var dy = LayerGradCheck.OutputGradient(layer.Call, x, random);
        LayerGradCheck.AssertClose(layer.KernelName, LayerGradCheck.Compare(layer, layer.Call, x, dy));

        using (GradMode.NoGrad())
        {
            var generated = layer.Call(x);
            var eager = layer.CallEager(x);
            Assert.Equal(eager.Shape.ToArray(), generated.Shape.ToArray());
            for (int i = 0; i < eager.Count; i++)
            {
                Assert.True(TensorAssert.IsClose(eager.Data[i], generated.Data[i], 1e-5, 1e-5), $"{layer.KernelName} element {i}: eager {eager.Data[i]}, generated {generated.Data[i]}");
            }
        }
    }
}
