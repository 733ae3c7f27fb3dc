using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Sizes of the constructor's int parameters as op arguments (issue 16): each layer below compiles cleanly, and the
/// harness runs every construction of it through the generated kernels and the eager path (<see cref="EagerAgreement"/>),
/// outputs and gradients. The constructions are constants, so each gets a kernel with <c>const</c> sizes in which
/// <c>d / heads</c> and <c>h + g - 1</c> are constant expressions.
/// </summary>
public sealed class SizeExpressionAgreementTests
{
    private const string Source = """
        using LayerGen;

        namespace Sizes;

        [Layer(Input = "[*, steps, d]")]
        public partial class Heads(int steps, int d, int heads)
        {
            [Parameter] Tensor gain = Tensor.Randn(heads, 1, 1);

            Tensor Forward(Tensor x) =>
                (x.Reshape(-1, steps, heads, d / heads).Permute(0, 2, 1, 3) * gain).Permute(0, 2, 1, 3).Reshape(-1, steps * d);
        }

        [Layer(Input = "[*, n]")]
        public partial class Blocks(int n, int k)
        {
            Tensor Forward(Tensor x) =>
                x.Narrow(-1, n - k, k) * x.Narrow(-1, 0, k) + x.Slice(-1, k / 2, k / 2 + k).Sum(-1, keepDim: true) + x.Narrow(-1, -k, k);
        }

        [Layer]
        public partial class Joined(int n, int h, int g)
        {
            [Parameter] Tensor wa = Tensor.Randn(n, h);
            [Parameter] Tensor wb = Tensor.Randn(n, g);

            Tensor Forward(Tensor x) => Ops.Concat(-1, x.MatMul(wa), x.MatMul(wb)).Reshape(-1, h + g, 1).Slice(1, g, h + g).Reshape(-1, h);
        }

        [Layer]
        public partial class Halves(int n, int m)
        {
            [Parameter] Tensor w = Tensor.Randn(n, m);

            Tensor Forward(Tensor x) => x.MatMul(w).Reshape(-1, 2, m / 2).Sum(1) * 2f - x.MatMul(w).Narrow(-1, m % 2, m / 2);
        }

        [Layer(Input = "[*, a + b]")]
        public partial class Gate(int a, int b)
        {
            [Parameter] Tensor w = Tensor.Randn(a + b, b) * 0.5f;

            Tensor Forward(Tensor x) => Ops.Sigmoid(x.MatMul(w)) * x.Narrow(-1, a, b);
        }

        // A child's input [*, a + b] in the parent's terms: [*, n + n] is the declared [*, 2 * n], and 1 + (n - 1) + n is too.
        [Layer(Input = "[*, 2 * n]")]
        public partial class Outer(int n)
        {
            private readonly Gate gate = new(n, n);
            private readonly Gate wider = new(1, 2 * n - 1);

            Tensor Forward(Tensor x) => wider.Call(Ops.Concat(-1, x.Narrow(-1, 0, 1), gate.Call(x).Narrow(-1, 0, n - 1), x.Narrow(-1, n, n)));
        }

        // The input inferred from the child: [*, n + n].
        [Layer]
        public partial class Inferred(int n)
        {
            private readonly Gate gate = new(n, n);

            Tensor Forward(Tensor x) => gate.Call(x) * 2f;
        }

        public static class Uses
        {
            public static object[] All() =>
            [
                new Heads(3, 6, 2), new Heads(2, 12, 4),
                new Blocks(7, 3), new Blocks(5, 2),
                new Joined(3, 2, 4),
                new Halves(3, 6),
                new Gate(2, 3),
                new Outer(3),
                new Inferred(2),
                new Sequential(new Linear(4, 5), new Gate(2, 3)),
            ];
        }
        """;

    [Fact]
    public void Layers_with_size_arguments_compile_and_agree_with_the_eager_path()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(Source);

        run.AssertClean();
        EagerAgreement.Outcome outcome = Assert.IsType<EagerAgreement.Outcome>(EagerAgreement.OutcomeOf(run));
        Assert.Empty(outcome.Skipped);
        Assert.Equal(9, outcome.Checked.Count);
        Assert.Contains("Sizes.Heads(steps: 2, d: 12, heads: 4) on [2, 2, 12]", outcome.Checked);
    }
}
