using System;
using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// A loop over 100 time steps is unrolled into kernels too long for one method the JIT optimises (issue 16; the figures
/// are in benchmarks/README.md, "Loops over time steps"): each kernel is emitted as parts of bounded length called in
/// order, the parts compile, and the layer agrees with its eager path (EagerAgreement, which runs every generated layer),
/// also when each step calls a child layer. A short kernel stays one method.
/// </summary>
public sealed class LongLoopEmissionTests
{
    private const string Layers =
        """
        using LayerGen;

        namespace Loops;

        [Layer(Input = "[*, steps, n]")]
        public partial class Recurrent(int steps, int n)
        {
            [Parameter] Tensor wx = Tensor.Randn(n, n) * 0.3f;
            [Parameter] Tensor wh = Tensor.Randn(n, n) * 0.3f;

            Tensor Forward(Tensor x)
            {
                var states = new Tensor[steps];
                var h = Tensor.Zeros(x.Size(0), n);
                for (int t = 0; t < steps; t++)
                {
                    h = Ops.Tanh(x.Narrow(1, t, 1).Sum(1).MatMul(wx) + h.MatMul(wh));
                    states[t] = h;
                }

                return Ops.Stack(1, states);
            }
        }

        [Layer]
        public partial class Cell(int n)
        {
            [Parameter] Tensor wx = Tensor.Randn(n, n) * 0.3f;
            [Parameter] Tensor wh = Tensor.Randn(n, n) * 0.3f;

            Tensor Forward(Tensor x, Tensor h) => Ops.Tanh(x.MatMul(wx) + h.MatMul(wh));
        }

        [Layer(Input = "[*, steps, n]")]
        public partial class CellLoop(int steps, int n)
        {
            Cell cell = new(n);

            Tensor Forward(Tensor x)
            {
                var h = Ops.Tanh(x.Narrow(1, 0, 1).Sum(1));
                for (int t = 1; t < steps; t++)
                {
                    h = cell.Call(x.Narrow(1, t, 1).Sum(1), h);
                }

                return h;
            }
        }

        public static class Build
        {
            public static object[] Create() => new object[] { new Recurrent(100, 3), new CellLoop(100, 3) };
        }
        """;

    [Fact]
    public void A_100_step_loop_is_emitted_as_kernel_parts_of_bounded_length_that_agree_with_the_eager_path()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(Layers);

        run.AssertClean();
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        foreach (string layer in new[] { "Loops.Recurrent", "Loops.CellLoop" })
        {
            Assert.Contains(outcome.Checked, line => line.StartsWith(layer, StringComparison.Ordinal));
            var methods = CSharpSyntaxTree.ParseText(run.Source(layer + ".g.cs")).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().ToList();
            Assert.Contains(methods, m => m.Identifier.Text == "ForwardPart1");
            Assert.Contains(methods, m => m.Identifier.Text == "BackwardPart1");
            foreach (var method in methods)
            {
                var lines = method.GetLocation().GetLineSpan();
                int length = lines.EndLinePosition.Line - lines.StartLinePosition.Line;
                Assert.True(length <= 2 * Emit.KernelParts.MaxLinesPerMethod, $"{layer}.{method.Identifier.Text} is {length} lines long");
            }
        }
    }

    [Fact]
    public void A_short_loop_stays_one_kernel_method()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(Layers.Replace("new Recurrent(100, 3)", "new Recurrent(4, 3)", StringComparison.Ordinal));

        string source = run.Source("Loops.Recurrent.g.cs");
        Assert.Contains("public static void Forward(", source);
        Assert.DoesNotContain("ForwardPart", source);
        Assert.DoesNotContain("BackwardPart", source);
    }
}
