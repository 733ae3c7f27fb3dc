using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// A layer nested in partial types (a model class grouping its layers, a static class of blocks) compiles: the
/// generated part is nested in a part of each type around it, and constructions and children find it by its full name.
/// </summary>
public sealed class NestedLayerTests
{
    [Fact]
    public void Layers_nested_in_partial_classes_struct_and_records_compile_and_specialise()
    {
        var run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Demo;

            public static partial class Blocks
            {
                public partial record Model
                {
                    [Layer]
                    public partial class Scale(int n)
                    {
                        [Parameter] Tensor w = Tensor.Randn(n);

                        Tensor Forward(Tensor x) => x * w;
                    }
                }

                [Layer]
                public partial class Net(int n)
                {
                    Model.Scale scale = new(n);

                    Tensor Forward(Tensor x) => Ops.Tanh(scale.Call(x));
                }

                public static Net Make() => new Net(6);
            }
            """);
        run.AssertClean();
        string scale = run.Source("Demo.Blocks.Model.Scale.g.cs");
        Assert.Contains("static partial class Blocks", scale);
        Assert.Contains("partial record Model", scale);
        Assert.Contains("Sizes_n6", scale);
        Assert.Contains("Sizes_n6", run.Source("Demo.Blocks.Net.g.cs"));
    }
}
