using System.Linq;
using Xunit;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// One small layer, <c>Demo</c>, with input <c>[*, n]</c>, through the generator: for tests that pin what
/// the generated kernels do with a forward definition.
/// </summary>
public static class DemoLayer
{
    /// <summary>Runs the generator on <c>Demo(<paramref name="sizes"/>)</c>; the layer and its generated code must compile.</summary>
    /// <param name="sizes">The primary constructor's parameters, e.g. <c>int n, int m</c>.</param>
    /// <param name="members">Fields, e.g. <c>[Parameter] Tensor bias = Tensor.Randn(n);</c>.</param>
    /// <param name="forward">The forward definition's expression, of <c>x</c>.</param>
    public static GeneratorRun Run(string sizes, string members, string forward)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            $$"""
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, n]")]
            public partial class Demo({{sizes}})
            {
                {{members}}

                Tensor Forward(Tensor x) => {{forward}};
            }
            """);
        Assert.Null(run.Exception);
        Assert.Empty(run.CompilationErrors);
        return run;
    }

    /// <summary>Every file the run generated, as one text.</summary>
    public static string Source(GeneratorRun run) => string.Join("\n", run.RunResult.GeneratedTrees.Select(t => t.ToString()));

    /// <summary><see cref="Run"/>, then <see cref="Source"/>.</summary>
    public static string Generate(string sizes, string members, string forward) => Source(Run(sizes, members, forward));
}
