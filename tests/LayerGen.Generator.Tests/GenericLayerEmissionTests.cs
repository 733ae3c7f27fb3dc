using System;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Generic layer classes (issue 16) whose type parameters stay outside <c>Forward</c>: a tag type with a constraint, a
/// curiously recurring one (<c>Base&lt;TSelf&gt; where TSelf : Base&lt;TSelf&gt;</c>), and a layer nested in a generic type. The
/// generated part repeats the type parameter list; constructions with type arguments are specialised by their sizes. Each
/// compiles cleanly and the harness runs it through the generated kernels and the eager path (EagerAgreement).
/// </summary>
public sealed class GenericLayerEmissionTests
{
    private const string Layers =
        """
        using LayerGen;

        namespace Generic;

        public sealed class Tag
        {
        }

        [Layer]
        public partial class Tagged<TTag>(int inUnits, int units)
            where TTag : class
        {
            [Parameter] Tensor weight = Tensor.Randn(inUnits, units);

            public string TagName => typeof(TTag).Name;

            Tensor Forward(Tensor x) => Ops.Tanh(x.MatMul(weight));
        }

        [Layer]
        public partial class SelfScaled<TSelf>(int n)
            where TSelf : SelfScaled<TSelf>
        {
            [Parameter] Tensor w = Tensor.Randn(n);

            public TSelf Self => (TSelf)this;

            Tensor Forward(Tensor x) => x * w;
        }

        public sealed partial class Concrete(int n) : SelfScaled<Concrete>(n)
        {
        }

        public partial class Blocks<TConfig>
        {
            [Layer]
            public partial class Centered
            {
                Tensor Forward(Tensor x) => x - x.Mean();
            }
        }

        public static class Build
        {
            public static Tagged<Tag> Small() => new Tagged<Tag>(4, 3);
            public static Tagged<string> Target() => new(4, 3);
            public static Blocks<Tag>.Centered Centre() => new();
        }
        """;

    [Fact]
    public void Generic_layers_compile_and_agree_with_the_eager_path()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(Layers);
        run.AssertClean();
        Assert.Contains("partial class Tagged<TTag> :", run.GeneratedSources["Generic.Tagged.g.cs"], StringComparison.Ordinal);
        Assert.Contains("partial class Blocks<TConfig>", run.GeneratedSources["Generic.Blocks.Centered.g.cs"], StringComparison.Ordinal);
        Assert.Contains("Kernels<Sizes_inUnits4_units3>", run.GeneratedSources["Generic.Tagged.g.cs"], StringComparison.Ordinal);
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        Assert.Contains(outcome.Checked, line => line.StartsWith("Generic.Tagged`1", StringComparison.Ordinal));
        Assert.Contains(outcome.Checked, line => line.StartsWith("Generic.Blocks`1+Centered", StringComparison.Ordinal));
    }

    private const string GenericChildren =
        """
        using LayerGen;

        namespace GenericChildren;

        public sealed class Tag
        {
        }

        [Layer]
        public partial class Tagged<TTag>(int inUnits, int units)
        {
            [Parameter] Tensor weight = Tensor.Randn(inUnits, units);

            Tensor Forward(Tensor x) => Ops.Tanh(x.MatMul(weight));
        }

        public partial class Blocks<TConfig>
        {
            [Layer]
            public partial class Scale(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x) => x * w;
            }
        }

        [Layer]
        public partial class Holder(int inUnits, int hidden)
        {
            private readonly Tagged<Tag> encoder = new(inUnits, hidden);
            private readonly Blocks<string>.Scale scale = new(hidden);
            private readonly Tagged<Holder> decoder = new(hidden, inUnits);

            Tensor Forward(Tensor x) => decoder.Call(scale.Call(encoder.Call(x))) + x;
        }

        public static class Build
        {
            public static Holder Small() => new(4, 3);
        }
        """;

    [Fact]
    public void Children_of_generic_layer_classes_are_found_called_through_their_kernels_and_agree_with_the_eager_path()
    {
        // The children go by their layer's name without type arguments (as their signatures and constructions do), and the
        // kernels take them as the types declared: new Holder(4, 3) specialises Tagged for [4, 3] and [3, 4], Scale for [3].
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(GenericChildren);
        run.AssertClean();
        string holder = run.GeneratedSources["GenericChildren.Holder.g.cs"];
        Assert.Contains("global::GenericChildren.Tagged<global::GenericChildren.Tag> encoder, ", holder, StringComparison.Ordinal);
        Assert.Contains("global::GenericChildren.Blocks<string>.Scale scale, ", holder, StringComparison.Ordinal);
        Assert.Contains("global::GenericChildren.Tagged<global::GenericChildren.Holder> decoder, ", holder, StringComparison.Ordinal);
        Assert.Contains("Kernels<Sizes_inUnits4_hidden3>", holder, StringComparison.Ordinal);
        Assert.Contains("encoder.ForwardSpan(", holder, StringComparison.Ordinal);
        string tagged = run.GeneratedSources["GenericChildren.Tagged.g.cs"];
        Assert.Contains("Kernels<Sizes_inUnits4_units3>", tagged, StringComparison.Ordinal);
        Assert.Contains("Kernels<Sizes_inUnits3_units4>", tagged, StringComparison.Ordinal);
        Assert.Contains("Kernels<Sizes_n3>", run.GeneratedSources["GenericChildren.Blocks.Scale.g.cs"], StringComparison.Ordinal);
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        Assert.Contains(outcome.Checked, line => line.StartsWith("GenericChildren.Holder", StringComparison.Ordinal));
    }
}
