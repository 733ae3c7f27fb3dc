using System.Linq;
using LayerGen.Tests.Layers;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Parameters;

/// <summary>Every random scheme draws from the global seeded stream: the same seed, the same values.</summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class InitReproducibilityTests
{
    [Fact]
    public void Every_scheme_repeats_under_the_same_seed()
    {
        float[] first = DrawAll(), second = DrawAll();
        Assert.Equal(first, second);

        Tensor.ManualSeed(8);
        float[] other = Init.Normal(0f, 1f, 10).Data;
        Assert.NotEqual(first.Take(10), other);
    }

    [Fact]
    public void Init_applied_over_a_model_repeats_under_the_same_seed()
    {
        static float[] Build()
        {
            Tensor.ManualSeed(21);
            var net = new Sequential(new MyLinear(6, 4), new ReLU(), new Linear(4, 3)).Apply(l =>
            {
                if (l is Linear linear)
                {
                    Init.XavierNormal(linear.Weight);
                    Init.Zeros(linear.Bias);
                }
            });
            return [.. net.Parameters().SelectMany(p => p.Data)];
        }

        Assert.Equal(Build(), Build());
    }

    private static float[] DrawAll()
    {
        Tensor.ManualSeed(7);
        return
        [
            .. Init.Normal(1f, 2f, 5).Data,
            .. Init.Uniform(-1f, 1f, 5).Data,
            .. Init.XavierUniform(3, 4).Data,
            .. Init.XavierNormal(1.5f, 3, 4).Data,
            .. Init.KaimingUniform(3, 4).Data,
            .. Init.KaimingNormal(new KaimingOptions(Mode: FanMode.FanOut), 3, 4).Data,
            .. Init.Orthogonal(5, 3).Data,
        ];
    }
}
