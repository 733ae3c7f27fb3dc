using System;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The generated whole-model training steps: one per distinct <c>new Sequential(...)</c> of constant-size built-in layers,
/// registered under the layers' kernel names. What they compute is tested in LayerGen.Tests (GeneratedTrainingStepTests:
/// bit for bit against the layer-by-layer step, and against PyTorch); here, what is emitted and when.
/// </summary>
public sealed class TrainingStepEmitTests
{
    private const string User = """
        using LayerGen;

        namespace Steps;

        public static class Use
        {
            public static Sequential Mlp() => new Sequential(new Linear(41, 17), new ReLU(), new Linear(17, 4));

            // The same layers again: one step serves both.
            public static Sequential SameMlp() => new Sequential(new Linear(41, 17), new ReLU(), new Linear(17, 4));

            public static Sequential Deeper() => new(new Linear(43, 8), new Tanh(), new Linear(8, 8), new Sigmoid(), new Linear(8, 1));

            // A size known only at run time: no constant kernel, so no step.
            public static Sequential NotConstant(int n) => new Sequential(new Linear(n, 3), new ReLU());
        }
        """;

    [Fact]
    public void One_step_per_distinct_Sequential_of_constant_built_in_layers()
    {
        var run = GeneratorHarness.Run<LayerGenerator>(User);
        run.AssertClean();
        string source = run.Source("TrainingSteps.g.cs");
        Snapshot.Match(source, "TrainingSteps_BuiltInMlps");
        Assert.Contains("Register(\"Linear[inFeatures=41, outFeatures=17] → ReLU → Linear[inFeatures=17, outFeatures=4]\", Step0.Create)", source);
        Assert.Contains("Register(\"Linear[inFeatures=43, outFeatures=8] → Tanh → Linear[inFeatures=8, outFeatures=8] → Sigmoid → Linear[inFeatures=8, outFeatures=1]\", Step1.Create)", source);
        Assert.Equal(2, source.Split("GeneratedTrainingSteps.Register(").Length - 1);
        Assert.DoesNotContain("outFeatures=3]", source);
    }

    [Fact]
    public void With_scalar_kernels_no_steps_are_emitted()
    {
        // The steps call the built-ins' constant-size kernels, which scalar kernels do not emit.
        var driver = CSharpGeneratorDriver.Create(
            [new LayerGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: VerifyIrOptions.WithScalarKernels);
        var result = driver.RunGenerators(GeneratorHarness.CreateCompilation(User)).GetRunResult();
        Assert.DoesNotContain(result.GeneratedTrees, t => t.FilePath.Contains("TrainingSteps", StringComparison.Ordinal));
    }

    [Fact]
    public void A_Sequential_with_a_layer_the_step_cannot_call_gets_no_step()
    {
        // A layer private to the class it is nested in: the step, elsewhere in the assembly, cannot name it.
        const string source = """
            using LayerGen;

            namespace Steps;

            public static partial class Outer
            {
                [Layer]
                private partial class Scale(int n)
                {
                    [Parameter] Tensor gain = Tensor.Ones(n);

                    Tensor Forward(Tensor x) => x * gain;
                }

                public static Sequential Make() => new Sequential(new Linear(9, 5), new Scale(5));
            }
            """;
        var run = GeneratorHarness.Run<LayerGenerator>(source);
        run.AssertClean();
        Assert.DoesNotContain(run.GeneratedSources.Keys, hint => hint.EndsWith("TrainingSteps.g.cs", StringComparison.Ordinal));
        Assert.DoesNotContain("__StepForward", run.Source("Scale.g.cs"));
    }

    private const string MoreKinds = """
        using LayerGen;

        namespace Steps;

        public sealed class Encoder
        {
        }

        public static partial class Blocks
        {
            [Layer]
            public partial class Gain(int n)
            {
                [Parameter] private Tensor gain = Tensor.Ones(n);

                private Tensor Forward(Tensor x) => x * gain;
            }
        }

        [Layer]
        public partial class Tagged<TTag>(int inUnits, int units)
            where TTag : class
        {
            [Parameter] private Tensor weight = Tensor.Randn(inUnits, units);

            private Tensor Forward(Tensor x) => Ops.Tanh(x.MatMul(weight));
        }

        public partial class Config<TConfig>
        {
            [Layer]
            public partial class Shift(int n)
            {
                [Parameter] private Tensor bias = Tensor.Zeros(n);

                private Tensor Forward(Tensor x) => x + bias;
            }
        }

        [Layer(Input = "[*, steps, dim]")]
        public partial class Flatten(int steps, int dim)
        {
            private Tensor Forward(Tensor x) => x.Reshape(-1, steps * dim);
        }

        [Layer]
        public partial class Soft
        {
            private Tensor Forward(Tensor x) => x.Softmax(-1);
        }

        public static class Use
        {
            public static Sequential Nested() => new Sequential(new Linear(6, 4), new Blocks.Gain(4));

            public static Tagged<Encoder> Alone() => new Tagged<Encoder>(5, 3);

            public static Sequential Generic() => new Sequential(new Tagged<Encoder>(5, 3), new Config<string>.Shift(3));

            // A type argument the step cannot name: no step of its own for this construction.
            public static Tagged<T> Open<T>() where T : class => new Tagged<T>(2, 2);

            // Soft reads its width at run time: the Sequential tells it Linear(3, 5)'s 5.
            public static Sequential RunTimeWidth() => new Sequential(new Linear(3, 5), new Soft(), new Linear(5, 2));

            public static Sequential Ids() => new Sequential(new Embedding(11, 4), new Flatten(2, 4), new Linear(8, 2));
        }
        """;

    [Fact]
    public void Nested_generic_and_run_time_width_layers_and_an_embedding_first_get_steps()
    {
        var run = GeneratorHarness.Run<LayerGenerator>(MoreKinds);
        run.AssertClean();
        string source = run.Source("TrainingSteps.g.cs");
        Snapshot.Match(source, "TrainingSteps_MoreKinds");

        // A public nested layer is named through its class; a generic one as constructed, type arguments included.
        Assert.Contains("sequential[1] is global::Steps.Blocks.Gain", source);
        Assert.Contains("model is global::Steps.Tagged<global::Steps.Encoder>", source);
        Assert.Contains("sequential[1] is global::Steps.Config<string>.Shift", source);
        Assert.Contains("Register(\"Linear[inFeatures=6, outFeatures=4] → Gain[n=4]\", ", source);
        Assert.Contains("Register(\"Tagged[inUnits=5, units=3] → Shift[n=3]\", ", source);
        Assert.DoesNotContain("Tagged[inUnits=2, units=2]", source);
        Assert.Contains("model is global::Steps.Config<string>.Shift", source); // every construction of a generic layer is a model of its own too

        // An embedding first: the step over ids, two ids per row of the model (Flatten(2, 4) takes two of its rows of 4).
        Assert.Contains("Register(\"Embedding[run-time sizes] → Flatten[steps=2, dim=4] → Linear[inFeatures=8, outFeatures=2]\", ", source);
        Assert.Contains("sequential.TakesIds && sequential.Count == 3 && sequential.IdsLayer is global::LayerGen.Embedding", source);
        Assert.Contains("model.InputRowLength == 2 && ", source);
        Assert.Contains("_layer0.ForwardSpan(rows * 2, ids, h0, saved0);", source);
        Assert.Contains("_layer0.BackwardSpan(rows * 2, ids, h0, h0Grad, saved0);", source);
        Assert.Contains("__StepForward_n4(", run.Source("Blocks.Gain.g.cs"));

        // A layer of run-time width: in the Sequential that fixes it (checked when the step is built), never alone.
        Assert.Contains("Register(\"Linear[inFeatures=3, outFeatures=5] → Soft[run-time sizes] → Linear[inFeatures=5, outFeatures=2]\", ", source);
        Assert.Contains("sequential[1].InputRowLength == 5", source);
        Assert.DoesNotContain("Register(\"Soft[run-time sizes]\"", source);
        Assert.Contains("internal void __StepForward_RunTimeWidth(", run.Source("Steps.Soft.g.cs"));
    }

    private const string UserLayers = """
        using LayerGen;

        namespace Steps;

        [Layer]
        public partial class Dense(int inUnits, int units)
        {
            [Parameter] private Tensor weight = Tensor.Randn(inUnits, units);
            [Parameter] private Tensor bias = Tensor.Randn(units);

            private Tensor Forward(Tensor x) => Ops.Relu(x.MatMul(weight) + bias);
        }

        [Layer]
        public partial class Centered
        {
            private Tensor Forward(Tensor x) => x - x.Mean();
        }

        public static class Use
        {
            public static Dense Alone() => new Dense(64, 8);

            public static Sequential Mixed() => new Sequential(new Linear(8, 16), new Centered(), new Dense(16, 4));
        }
        """;

    [Fact]
    public void A_user_layer_gets_a_step_of_its_own_and_its_place_in_a_Sequential()
    {
        var run = GeneratorHarness.Run<LayerGenerator>(UserLayers);
        run.AssertClean();
        string source = run.Source("TrainingSteps.g.cs");
        Snapshot.Match(source, "TrainingSteps_UserLayers");

        // Every constant kernel of a layer is a model of its own; the Sequential's layers are called through their entry points.
        Assert.Contains("Register(\"Dense[inUnits=64, units=8]\", ", source);
        Assert.Contains("Register(\"Dense[inUnits=16, units=4]\", ", source);
        Assert.Contains("Register(\"Centered\", ", source);
        Assert.Contains("Register(\"Linear[inFeatures=8, outFeatures=16] → Centered → Dense[inUnits=16, units=4]\", ", source);
        Assert.Equal(4, source.Split("GeneratedTrainingSteps.Register(").Length - 1);
        Assert.Contains("_layer0.__StepForward_inUnits64_units8(rows, input, output, saved0);", source);
        Assert.Contains("_layer1.__StepBackward(rows * 16, h0, h1, h1Grad, h0Grad, saved1);", source);

        // The entry points are the span API's cases without the spans' checks.
        string dense = run.Source("Dense.g.cs");
        Assert.Contains("internal void __StepForward_inUnits64_units8(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved)", dense);
        Assert.Contains("internal void __StepBackwardIntoParameters_inUnits16_units4(", dense);
        Assert.Contains("internal void __StepForward(int rows,", run.Source("Centered.g.cs"));
    }
}
