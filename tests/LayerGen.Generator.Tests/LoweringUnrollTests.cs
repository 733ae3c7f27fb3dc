using System;
using System.Linq;
using LayerGen.Generator.Lowering;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// How many independent accumulators each emitted loop keeps is Lowering's choice (<see cref="Unrolling"/>, recorded
/// in each step's <see cref="ProductChoice"/> and <see cref="LoopChoice"/>): forcing other counts through
/// <see cref="LayerCompiler.PlanOverride"/> must change exactly the emitted loops, and the layers must still agree
/// with the eager path.
/// </summary>
public sealed class LoweringUnrollTests
{
    private const string Layers = """
        using LayerGen;

        namespace UnrollCheck;

        [Layer(Input = "[*, inUnits]")]
        public partial class Centered(int inUnits, int units)
        {
            [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
            [Parameter] Tensor bias = Tensor.Randn(units);

            Tensor Forward(Tensor x)
            {
                var h = Ops.Relu(x.MatMul(weight) + bias);
                return h - h.Mean(-1, keepDim: true);
            }
        }

        [Layer]
        public partial class TensorReduction(int inputs, int outputs)
        {
            [Parameter] Tensor weight = Tensor.Randn(inputs, inputs, outputs);

            Tensor Forward(Tensor x) => Ops.Einsum("ijk,bi,bj->bk", weight, x, x);
        }

        public static class Use
        {
            public static Centered Make() => new Centered(12, 40);
            public static TensorReduction MakeReduction() => new TensorReduction(16, 8);
        }
        """;

    [Fact]
    public void Forced_accumulator_counts_change_the_emitted_loops_and_the_layers_still_agree_with_eager()
    {
        GeneratorRun chosen = GeneratorHarness.Run<LayerGenerator>("// as Lowering chose\n" + Layers);
        chosen.AssertClean();
        string centered = chosen.Source("UnrollCheck.Centered.g.cs");
        string reduction = chosen.Source("UnrollCheck.TensorReduction.g.cs");
        Assert.Contains($"j += {Unrolling.RowTileVectors} * Vector<float>.Count", centered, StringComparison.Ordinal);
        Assert.Contains($"kk += {Unrolling.RowAccumulators})", centered, StringComparison.Ordinal);
        Assert.Contains("float acc = Vector.Sum(acc0 + acc1);", centered, StringComparison.Ordinal);
        Assert.Contains("sum += Vector.Sum((acc0 + acc1) + (acc2 + acc3));", centered, StringComparison.Ordinal);
        Assert.Contains("acc3", reduction, StringComparison.Ordinal);

        LayerCompiler.PlanOverride.Value = ForceOtherCounts;
        GeneratorRun forced;
        try
        {
            forced = GeneratorHarness.Run<LayerGenerator>("// other accumulator counts\n" + Layers);
        }
        finally
        {
            LayerCompiler.PlanOverride.Value = null;
        }

        forced.AssertClean();
        string forcedCentered = forced.Source("UnrollCheck.Centered.g.cs");
        string forcedReduction = forced.Source("UnrollCheck.TensorReduction.g.cs");
        Assert.Contains("j += 2 * Vector<float>.Count", forcedCentered, StringComparison.Ordinal);
        Assert.DoesNotContain($"j += {Unrolling.RowTileVectors} * Vector<float>.Count", forcedCentered, StringComparison.Ordinal);
        Assert.Contains("kk += 3)", forcedCentered, StringComparison.Ordinal);
        Assert.Contains("float acc = Vector.Sum(acc0);", forcedCentered, StringComparison.Ordinal);
        Assert.Contains("sum += Vector.Sum(acc0 + (acc1 + acc2));", forcedCentered, StringComparison.Ordinal);
        Assert.DoesNotContain("acc3", forcedCentered, StringComparison.Ordinal);
        Assert.DoesNotContain("acc2", forcedReduction, StringComparison.Ordinal);
        Assert.Contains("acc0 + acc1", forcedReduction, StringComparison.Ordinal);

        // The harness ran each layer through Call and CallEager, and they agreed.
        foreach (var run in new[] { chosen, forced })
        {
            var outcome = EagerAgreement.OutcomeOf(run);
            Assert.NotNull(outcome);
            Assert.Null(outcome.Failure);
            Assert.Contains(outcome.Checked, line => line.Contains("Centered", StringComparison.Ordinal));
            Assert.Contains(outcome.Checked, line => line.Contains("TensorReduction", StringComparison.Ordinal));
        }
    }

    /// <summary>Tiles of two vectors, three accumulators over k and over sums, single-accumulator dot products, two for einsums.</summary>
    private static void ForceOtherCounts(KernelPlan plan)
    {
        foreach (var step in plan.Loops.Keys.ToList())
        {
            var choice = plan.Loops[step];
            if (choice.SumAccumulators > 1)
            {
                plan.Loops[step] = choice with { SumAccumulators = 3 };
            }
        }

        foreach (int product in plan.Products.Keys.ToList())
        {
            var choice = plan.Products[product];
            plan.Products[product] = choice with
            {
                TileVectors = 2,
                RowAccumulators = 3,
                DotAccumulators = 1,
                SummedUnroll = choice.SummedUnroll > 1 ? 2 : 1,
            };
        }
    }
}
