using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// A constant construction of a parent specialises its children: <c>new Net(4, 8)</c> holding
/// <c>MyLinear fc = new(inputs, hidden)</c> gives <c>MyLinear</c> a kernel for inUnits=4, units=8, and so on
/// down through children of children. (The run-time check that such a child then runs that kernel is
/// tests/LayerGen.Tests/Layers/ChildSpecialisationTests.)
/// </summary>
public sealed class ChildSpecialisationTests
{
    private const string Layers = """
        using LayerGen;

        namespace Demo;

        [Layer]
        public partial class MyLinear(int inUnits, int units)
        {
            [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
            [Parameter] Tensor bias = Tensor.Randn(units);

            Tensor Forward(Tensor x) => Ops.Relu(x.MatMul(weight) + bias);
        }

        [Layer(Input = "[*, width]")]
        public partial class Block(int width)
        {
            MyLinear inner = new(width, width);

            Tensor Forward(Tensor x) => inner.Call(x) + x;
        }

        [Layer]
        public partial class Centered
        {
            Tensor Forward(Tensor x) => x - x.Mean();
        }

        [Layer]
        public partial class Net(int inputs, int hidden)
        {
            Centered centered = new();
            MyLinear fc1 = new(inputs, hidden);
            Block block = new(hidden);
            MyLinear head = new MyLinear(hidden, 3);
            MyLinear wide = new MyLinear(inputs + hidden, hidden * 2);

            Tensor Forward(Tensor x) => head.Call(block.Call(fc1.Call(centered.Call(x))));
        }
        """;

    [Fact]
    public void A_constant_parent_specialises_its_children_and_their_children()
    {
        var run = GeneratorHarness.Run<LayerGenerator>(Layers, "namespace Demo; static class Use { static Net Make() => new Net(4, 8); }");
        run.AssertClean();
        string linear = run.Source("MyLinear.g.cs");
        Assert.Contains("Sizes_inUnits4_units8", linear);
        Assert.Contains("Sizes_inUnits8_units8", linear);
        Assert.Contains("Sizes_inUnits8_units3", linear);
        Assert.Contains("Sizes_inUnits12_units16", linear); // 'new MyLinear(inputs + hidden, hidden * 2)'
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "LG0012");
        Assert.Contains("Sizes_width8", run.Source("Block.g.cs"));
        Assert.Contains("Sizes_inputs4_hidden8", run.Source("Net.g.cs"));
    }

    [Fact]
    public void A_run_time_parent_leaves_its_children_with_their_own_constant_constructions_only()
    {
        var run = GeneratorHarness.Run<LayerGenerator>(Layers, "namespace Demo; static class Use { static Net Make(int n) => new Net(n, 8); }");
        string linear = run.Source("MyLinear.g.cs");
        // 'new MyLinear(hidden, 3)' has a size of the parent's: with the parent's sizes unknown, nothing is derived.
        Assert.DoesNotContain("private static class Kernels_", linear);
        Assert.DoesNotContain("private static class Kernels_", run.Source("Block.g.cs"));
    }

    [Fact]
    public void A_layer_that_constructs_itself_through_its_children_does_not_hang_the_generator()
    {
        var run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;
            namespace Demo;

            [Layer]
            public partial class Grow(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n);
                Grow? next;

                Tensor Forward(Tensor x) => x * w;
            }

            static class Use { static Grow Make() => new Grow(2); }
            """);
        Assert.Null(run.Exception);
        Assert.Contains("Sizes_n2", run.Source("Grow.g.cs"));
    }
}
