using System;
using System.Linq;
using System.Reflection;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.LongLoops;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// A loop over 100 time steps, unrolled, through the generated kernels: the forward and backward are split into
/// several methods (KernelParts, so the JIT optimises each: benchmarks/README.md, "Loops over time steps"), and the
/// split kernels match PyTorch (Fixtures/rnn_long.json, gru_long.json: tools/fixtures/long_loop_fixtures.py), finite
/// differences of the generated forward and the eager path.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class LongLoopTests
{
    private const int Steps = 100;

    [Fact]
    public void A_100_step_rnn_runs_split_kernels_that_match_finite_differences_and_the_eager_path()
    {
        var layer = new LongRnn(Steps, 3, 4);
        Assert.Equal("LongRnn[numSteps=100, numInputs=3, numHiddens=4]", layer.KernelName);
        AssertSplit(typeof(LongRnn));
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("rnn_long"));
        Check(layer, inputs: 3, seed: 1660);
    }

    [Fact]
    public void A_100_step_gru_runs_split_kernels_that_match_finite_differences_and_the_eager_path()
    {
        var layer = new LongGru(Steps, 2, 3);
        Assert.Equal("LongGru[numSteps=100, numInputs=2, numHiddens=3]", layer.KernelName);
        AssertSplit(typeof(LongGru));
        FixtureLayers.CheckAgainstFixture(layer, Fixture.Load("gru_long"));
        Check(layer, inputs: 2, seed: 1661);
    }

    private static void Check(ILayer layer, int inputs, int seed)
    {
        layer.ZeroGrad();
        var random = new Random(seed);
        var x = LayerGradCheck.Prepare(layer, new[] { 2, Steps, inputs }, random, Spec.Default, layer.NamedParameters().ToDictionary(p => p.Key, _ => new Spec(-0.5, 0.5)));
        var dy = LayerGradCheck.OutputGradient(layer.Call, x, random);
        LayerGradCheck.AssertClose(layer.KernelName, LayerGradCheck.Compare(layer, layer.Call, x, dy));

        using (GradMode.NoGrad())
        {
            var generated = layer.Call(x);
            var eager = layer.CallEager(x);
            Assert.Equal(new[] { 2, Steps, eager.Shape[2] }, generated.Shape.ToArray());
            for (int i = 0; i < eager.Count; i++)
            {
                Assert.True(TensorAssert.IsClose(eager.Data[i], generated.Data[i], 1e-5, 1e-5), $"element {i}: eager {eager.Data[i]}, generated {generated.Data[i]}");
            }
        }
    }

    /// <summary>The specialised kernels are several methods each (ForwardPart0, ForwardPart1, ..., the same for Backward).</summary>
    private static void AssertSplit(Type layer)
    {
        var kernels = layer.GetNestedTypes(BindingFlags.NonPublic).Single(t => t.Name.StartsWith("Kernels`", StringComparison.Ordinal));
        var methods = kernels.GetMethods(BindingFlags.NonPublic | BindingFlags.Static).Select(m => m.Name).ToHashSet();
        Assert.Contains("ForwardPart1", methods);
        Assert.Contains("BackwardPart1", methods);
    }
}
