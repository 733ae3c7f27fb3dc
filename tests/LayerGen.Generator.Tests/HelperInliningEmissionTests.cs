using System;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Helpers and branches resolved at compile time (issue 16): private methods and local functions taking and returning
/// tensors (inlined, with their own loops and early returns), <c>?:</c>, <c>if</c>/<c>else</c> and early <c>return</c> on
/// conditions of sizes and loop variables — folded per layer. Each layer compiles cleanly, and the harness runs it
/// through the generated kernels and the eager path (EagerAgreement), which must agree.
/// </summary>
public sealed class HelperInliningEmissionTests
{
    private const string Layers =
        """
        using LayerGen;

        namespace Helpers;

        [Layer(Input = "[*, steps, n]")]
        public partial class CellRnn(int steps, int n)
        {
            [Parameter] Tensor wX = Tensor.Randn(n, n) * 0.4f;
            [Parameter] Tensor wH = Tensor.Randn(n, n) * 0.4f;

            Tensor Forward(Tensor x)
            {
                var outputs = new Tensor[steps];
                for (int t = 0; t < steps; t++)
                {
                    outputs[t] = t == 0 ? Ops.Tanh(At(x, 0).MatMul(wX)) : Cell(At(x, t), outputs[t - 1]);
                }

                return Ops.Stack(1, outputs);
            }

            Tensor Cell(Tensor input, Tensor state) => Ops.Tanh(input.MatMul(wX) + state.MatMul(wH));

            private static Tensor At(Tensor x, int t) => x.Narrow(1, t, 1).Sum(1);
        }

        [Layer(Input = "[*, n]")]
        public partial class Deepish(int n, int depth)
        {
            [Parameter] Tensor w = Tensor.Randn(n, n) * 0.4f;

            Tensor Forward(Tensor x)
            {
                if (depth == 0)
                {
                    return x;
                }

                var h = x;
                for (int i = 0; i < depth; i++)
                {
                    h = Block(h, i);
                    if (i == 2)
                    {
                        return h * 2f;
                    }
                }

                return n > 3 ? h : Scaled(h);

                Tensor Scaled(Tensor v)
                {
                    var s = v * 0.5f;
                    return s + x;
                }
            }

            Tensor Block(Tensor h, int i)
            {
                var y = Ops.Tanh(h.MatMul(w));
                if (i % 2 == 1)
                {
                    y = y + h;
                }
                else
                {
                    y = y - h * 0.25f;
                }

                return y;
            }
        }

        public static class Build
        {
            public static CellRnn Rnn() => new CellRnn(4, 3);

            public static Deepish Two() => new Deepish(3, 2);
        }
        """;

    [Fact]
    public void Helpers_local_functions_conditionals_and_early_returns_agree_with_the_eager_path()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(Layers);

        run.AssertClean();
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        Assert.Contains(outcome.Checked, line => line.StartsWith("Helpers.CellRnn", StringComparison.Ordinal));
        Assert.Contains(outcome.Checked, line => line.StartsWith("Helpers.Deepish", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void An_early_return_inside_the_loop_ends_the_forward_for_the_depth_that_reaches_it(int depth)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(Layers.Replace("new Deepish(3, 2)", $"new Deepish(3, {depth})", StringComparison.Ordinal));

        run.AssertClean();
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        Assert.Contains(outcome.Checked, line => line.StartsWith("Helpers.Deepish", StringComparison.Ordinal));
    }
}
