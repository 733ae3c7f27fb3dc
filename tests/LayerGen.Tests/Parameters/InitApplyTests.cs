using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Parameters;

/// <summary><see cref="LayerExtensions.Apply{T}"/>: PyTorch's <c>net.apply(fn)</c>.</summary>
public sealed class InitApplyTests
{
    [Fact]
    public void Visits_children_before_their_parent_and_the_root_last()
    {
        var a = new MyLinear(3, 3);
        var b = new ReLU();
        var inner = new Sequential(a, b);
        var c = new Linear(3, 2);
        var net = new Sequential(inner, c);

        var visited = new List<IModule>();
        Assert.Same(net, net.Apply(visited.Add));
        Assert.Equal<IModule>([a, b, inner, c, net], visited);
    }

    [Fact]
    public void A_layer_used_twice_is_visited_once()
    {
        var shared = new Linear(4, 4);
        var net = new Sequential(shared, new ReLU(), new Sequential(shared));
        var visited = new List<IModule>();
        net.Apply(visited.Add);
        Assert.Single(visited, l => ReferenceEquals(l, shared));
        Assert.Equal(4, visited.Count); // shared, ReLU, inner Sequential, root
    }

    [Fact]
    public void An_init_function_reinitialises_every_matching_layer()
    {
        var net = new Sequential(new Linear(8, 6), new ReLU(), new Linear(6, 2), new MyLinear(2, 2));
        net.Apply(layer =>
        {
            if (layer is Linear linear)
            {
                Init.Constant(linear.Weight, 0.5f);
                Init.Zeros(linear.Bias);
            }
        });

        var state = net.StateDict();
        foreach (string name in new[] { "0.weight", "2.weight" })
        {
            Assert.All(state[name].Data, v => Assert.Equal(0.5f, v));
        }

        Assert.All(state["0.bias"].Data, v => Assert.Equal(0f, v));
        Assert.Contains(state["3.weight"].Data, v => v != 0.5f); // MyLinear is not a Linear: untouched

        // The parameters are the same objects, re-filled in place: a generated kernel sees the new values.
        Assert.All(net[0].Call(Tensor.Ones(1, 8)).Data, v => Assert.Equal(0.5f * 8, v));
    }
}
