using System;
using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Control flow resolved at compile time (issue 16) in each form a user writes it: for loops over a constant, a
/// <c>const</c> and a size of the layer, nested loops, a reassigned local (<c>=</c> and <c>+=</c>), a loop variable as an
/// op's integer argument and as a number, arrays of tensors filled in a loop and joined. Each layer compiles cleanly,
/// and the harness runs it through the generated kernels and the eager path (EagerAgreement), which must agree.
/// </summary>
public sealed class ControlFlowEmissionTests
{
    private const string Layers =
        """
        using LayerGen;

        namespace Loops;

        [Layer]
        public partial class Accumulate
        {
            Tensor Forward(Tensor x)
            {
                var h = x;
                for (int i = 0; i < 3; i++)
                {
                    h += Ops.Tanh(h) * (i + 1);
                }

                return h;
            }
        }

        [Layer(Input = "[*, 12]")]
        public partial class Windows
        {
            const int Width = 4;

            Tensor Forward(Tensor x)
            {
                var windows = new Tensor[12 / Width];
                for (int w = 0; w < windows.Length; w++)
                {
                    windows[w] = x.Narrow(1, w * Width, Width).Sum(1, keepDim: true);
                }

                return Ops.Concat(1, windows);
            }
        }

        [Layer(Input = "[*, steps, n]")]
        public partial class Recurrent(int steps, int n)
        {
            [Parameter] Tensor w = Tensor.Randn(n, n) * 0.3f;

            Tensor Forward(Tensor x)
            {
                var states = new Tensor[steps];
                var h = x.Narrow(1, 0, 1).Sum(1);
                for (int t = 0; t < steps; t++)
                {
                    h = Ops.Tanh(x.Narrow(1, t, 1).Sum(1) + h.MatMul(w));
                    states[t] = h;
                }

                return Ops.Stack(1, states);
            }
        }

        [Layer]
        public partial class Nested
        {
            Tensor Forward(Tensor x)
            {
                var total = x * 0f;
                for (int i = 1; i <= 2; i++)
                {
                    var power = x;
                    for (int j = 1; j < i; j++)
                    {
                        power = power * x;
                    }

                    total = total + power / i;
                }

                return total;
            }
        }

        public static class Build
        {
            public static Recurrent Create() => new Recurrent(4, 3);
        }
        """;

    [Fact]
    public void Loops_reassigned_locals_and_arrays_of_tensors_agree_with_the_eager_path()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(Layers);

        run.AssertClean();
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        foreach (string layer in new[] { "Loops.Accumulate", "Loops.Windows", "Loops.Recurrent", "Loops.Nested" })
        {
            Assert.Contains(outcome.Checked, line => line.StartsWith(layer, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_child_of_two_inputs_called_in_a_loop_reads_each_steps_state()
    {
        // The state passed as the child's second argument is renamed step by step like any other operand.
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Loops;

            [Layer]
            public partial class Cell(int n)
            {
                [Parameter] Tensor wx = Tensor.Randn(n, n) * 0.3f;
                [Parameter] Tensor wh = Tensor.Randn(n, n) * 0.3f;

                Tensor Forward(Tensor x, Tensor h) => Ops.Tanh(x.MatMul(wx) + h.MatMul(wh));
            }

            [Layer(Input = "[*, 3, n]")]
            public partial class Unrolled(int n)
            {
                Cell cell = new(n);

                Tensor Forward(Tensor x)
                {
                    var h = Ops.Tanh(x.Narrow(1, 0, 1).Sum(1));
                    for (int t = 1; t < 3; t++)
                    {
                        h = cell.Call(x.Narrow(1, t, 1).Sum(1), h);
                    }

                    return h;
                }
            }

            public static class Build
            {
                public static Unrolled Create() => new Unrolled(4);
            }
            """);

        run.AssertClean();
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        Assert.Contains(outcome.Checked, line => line.StartsWith("Loops.Unrolled", StringComparison.Ordinal));
    }

    [Fact]
    public void A_loop_over_a_size_is_unrolled_for_the_constant_construction_and_the_glue_refuses_other_values()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(Layers);

        string source = run.Source("Loops.Recurrent.g.cs");
        Assert.Contains("if (steps != 4) throw new global::System.ArgumentException(", source);
        Assert.Contains("Recurrent's forward is unrolled at compile time for steps = 4", source);
    }

    [Fact]
    public void Branches_on_a_bool_hyperparameter_build_both_and_agree_with_the_eager_path_for_either_value()
    {
        // EagerAgreement passes each flag's default: one layer of each value, the same forward. The size in the
        // condition (n > 2) is folded with the constant construction's value; the flag is selected when the kernels run.
        const string Forward =
            """
                [Parameter] Tensor w = Tensor.Randn(n, n) * 0.4f;
                [Parameter] Tensor b = Tensor.Randn(n);

                Tensor Forward(Tensor x)
                {
                    var h = x.MatMul(w);
                    var parts = new Tensor[2];
                    parts[0] = h;
                    if (useBias && n > 2)
                    {
                        h += b;
                        parts[1] = Ops.Tanh(h);
                    }
                    else
                    {
                        parts[1] = h * 0.5f;
                    }

                    var joined = Ops.Concat(1, parts);
                    return !useBias ? joined : joined * 2f;
                }
            """;
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            "using LayerGen;\n\nnamespace Flags;\n\n"
            + "[Layer(Input = \"[*, n]\")]\npublic partial class BiasOn(int n, bool useBias = true)\n{\n" + Forward + "}\n\n"
            + "[Layer(Input = \"[*, n]\")]\npublic partial class BiasOff(int n, bool useBias = false)\n{\n" + Forward + "}\n\n"
            + "public static class Make\n{\n    public static BiasOn On() => new BiasOn(3);\n\n    public static BiasOff Off() => new BiasOff(3);\n}\n");

        run.AssertClean();
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        Assert.Contains(outcome.Checked, line => line.StartsWith("Flags.BiasOn", StringComparison.Ordinal));
        Assert.Contains(outcome.Checked, line => line.StartsWith("Flags.BiasOff", StringComparison.Ordinal));
    }

    [Fact]
    public void A_body_without_control_flow_reads_as_before()
    {
        // The locals of a plain body keep their names: emitted code and snapshots of existing layers do not move.
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Plain;

            [Layer]
            public partial class Centered
            {
                Tensor Forward(Tensor x)
                {
                    var mean = x.Mean();
                    var centered = x - mean;
                    return centered;
                }
            }
            """);

        run.AssertClean();
        Assert.Contains("var mean = x.Mean(); var centered = x - mean; centered", run.Source("Plain.Centered.g.cs"));
    }
}
