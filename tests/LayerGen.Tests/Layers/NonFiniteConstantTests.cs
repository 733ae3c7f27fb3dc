using System;
using System.Linq;
using LayerGen.Tests.Layers.NonFinite;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Layers whose forward holds an infinite constant run through their generated kernels (which once did not
/// build) and agree with the eager path; the masked softmax also with what −∞ means: weight exactly 0.
/// </summary>
public class NonFiniteConstantTests
{
    private static ILayer Sized(Func<int, ILayer> create, int n) => create(n);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_mask_of_negative_infinity_gives_masked_scores_no_weight(bool specialised)
    {
        var layer = specialised ? NonFiniteSpecialisations.Masked() : (MaskedSoftmax)Sized(n => new MaskedSoftmax(n), 7);
        Assert.Equal(specialised ? "MaskedSoftmax[n=5]" : "MaskedSoftmax[run-time sizes]", layer.KernelName);
        int n = specialised ? 5 : 7;
        Tensor.ManualSeed(11);
        var x = Tensor.Randn(4, n);
        for (int row = 0; row < 4; row++)
        {
            x.Data[row * n] = 0.5f + row; // every row keeps at least one score
        }

        AgreesWithEager(layer, layer.CallEager, x, out float[] y);
        for (int i = 0; i < x.Count; i++)
        {
            if (x.Data[i] <= 0f)
            {
                Assert.Equal(0f, y[i]);
            }
        }

        for (int row = 0; row < 4; row++)
        {
            Assert.Equal(1f, y.Skip(row * n).Take(n).Sum(), 5);
        }
    }

    [Fact]
    public void A_clamp_with_an_infinite_upper_bound_runs_as_generated_and_eager()
    {
        var layer = NonFiniteSpecialisations.Clamp();
        Assert.Equal("ClampNoUpperBound[n=5]", layer.KernelName);
        Tensor.ManualSeed(12);
        AgreesWithEager(layer, layer.CallEager, Tensor.Randn(3, 5), out float[] y);
        Assert.Contains(y, v => v > 0f);
        Assert.Contains(y, v => v == 0f);
    }

    private static void AgreesWithEager(ILayer layer, Func<Tensor, Tensor> eager, Tensor x, out float[] output)
    {
        var dy = Tensor.Randn(x.Shape.ToArray());
        var generatedInput = Tensor.From(x.ToArray(), x.Shape.ToArray());
        generatedInput.RequiresGrad = true;
        var generated = layer.Call(generatedInput);
        generated.Backward(dy);
        var eagerInput = Tensor.From(x.ToArray(), x.Shape.ToArray());
        eagerInput.RequiresGrad = true;
        var reference = eager(eagerInput);
        reference.Backward(dy);

        output = generated.ToArray();
        float[] expected = reference.ToArray();
        float[] gradient = generatedInput.Grad!.ToArray();
        float[] expectedGradient = eagerInput.Grad!.ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(output[i] - expected[i]) <= 1e-6f + 1e-5f * MathF.Abs(expected[i]), $"output[{i}]: {output[i]}, eager {expected[i]}");
            Assert.True(MathF.Abs(gradient[i] - expectedGradient[i]) <= 1e-6f + 1e-5f * MathF.Abs(expectedGradient[i]), $"gradient[{i}]: {gradient[i]}, eager {expectedGradient[i]}");
        }
    }
}
