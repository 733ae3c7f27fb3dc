using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LayerGen.Generator.Lowering;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Lowering makes every performance decision (loop order, vector tiers, hoisting, the GEMM, unrolling, how a lazily
/// zeroed gradient is zeroed) into the plan's records — <see cref="LoopChoice"/>, <see cref="ProductChoice"/>,
/// <see cref="GradientFirstWrite"/> — and Emit only prints them. Two checks keep it so:
/// Emit's files name none of Lowering's deciders, and a plan whose choices are overridden after Lowering is printed as
/// overridden (and still computes what the eager path computes).
/// </summary>
public sealed class LoweringDecidesTests
{
    /// <summary>Lowering's deciders: what only Lowering may call (the types whole, or one member).</summary>
    private static readonly string[] Deciders =
    [
        "LayerGen.Generator.Lowering.LoopChoices",
        "LayerGen.Generator.Lowering.GradientFirstWrites",
        "LayerGen.Generator.Lowering.ParameterWriteOrder",
        "LayerGen.Generator.Lowering.ProductChoices",
        "LayerGen.Generator.Lowering.VectorTiers",
        "LayerGen.Generator.Lowering.Unrolling",
        "LayerGen.Generator.Lowering.LeafAccess.Classify",
        "LayerGen.Generator.Lowering.KernelPlan.ScalarKernels",
    ];

    /// <summary>Where Emit may still name a decider, and why.</summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        // The switch itself, not a choice made from it: KernelName says "(scalar loops)".
        ["Emit/LayerEmitter.cs: LayerGen.Generator.Lowering.KernelPlan.ScalarKernels"] = "names the kernels after the user's switch",
    };

    [Fact]
    public void Emit_names_none_of_Lowering_s_deciders()
    {
        var compilation = GeneratorSources.Compilation;
        foreach (string decider in Deciders)
        {
            // Each decider exists under that name, so a rename cannot make this test pass vacuously.
            string type = decider.Contains(".Classify", StringComparison.Ordinal) || decider.Contains(".ScalarKernels", StringComparison.Ordinal)
                ? decider.Substring(0, decider.LastIndexOf('.'))
                : decider;
            Assert.NotNull(compilation.GetTypeByMetadataName(type));
        }

        var uses = new List<string>();
        bool printsPlanRecords = false;
        foreach (var tree in compilation.SyntaxTrees)
        {
            string file = GeneratorSources.RelativePath(tree).Replace(Path.DirectorySeparatorChar, '/');
            if (!file.StartsWith("Emit/", StringComparison.Ordinal))
            {
                continue;
            }

            var model = compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var symbol = model.GetSymbolInfo(name).Symbol;
                if (symbol is null)
                {
                    continue;
                }

                printsPlanRecords |= symbol is INamedTypeSymbol { Name: nameof(LoopChoice) };
                string? decider = DeciderOf(symbol);
                if (decider is not null && !Allowed.ContainsKey($"{file}: {decider}"))
                {
                    uses.Add($"{file}:{name.GetLocation().GetLineSpan().StartLinePosition.Line + 1}: {name} ({decider})");
                }
            }
        }

        Assert.True(printsPlanRecords, "the binding found no use of LoopChoice in Emit: the check would pass vacuously");
        Assert.True(uses.Count == 0, "Emit decides again; move the decision into Lowering's plan:\n" + string.Join("\n", uses.Distinct()));
    }

    private static string? DeciderOf(ISymbol symbol)
    {
        string? type = (symbol as INamedTypeSymbol ?? symbol.ContainingType)?.ToDisplayString();
        string member = type is null ? string.Empty : $"{type}.{symbol.Name}";
        return Deciders.FirstOrDefault(d => d == type || d == member);
    }

    private const string Layer = """
        using LayerGen;

        namespace LoopChoiceCheck;

        [Layer(Input = "[*, inUnits]")]
        public partial class Centered(int inUnits, int units)
        {
            [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
            [Parameter] Tensor bias = Tensor.Randn(units);
            [Parameter] Tensor scale = Tensor.Randn(1);

            Tensor Forward(Tensor x)
            {
                var h = Ops.Relu(x.MatMul(weight) + bias);
                var centered = h - h.Mean(-1, keepDim: true);
                return centered * scale + x.Sum(-1, keepDim: true);
            }
        }

        public static class Use
        {
            public static Centered Make() => new Centered(12, 20);
        }
        """;

    [Fact]
    public void Emit_prints_a_forced_general_loop_order_without_hoisting_and_the_layer_still_agrees_with_eager()
    {
        // As Lowering chose: row sums, operands read once per loop (scaleValue) and per row, vector loops, row tiles.
        GeneratorRun chosen = GeneratorHarness.Run<LayerGenerator>("// as Lowering chose\n" + Layer);
        chosen.AssertClean();
        string chosenText = chosen.Source("LoopChoiceCheck.Centered.g.cs");
        Assert.Contains("float scaleValue = scale[0];", chosenText, StringComparison.Ordinal);
        Assert.Contains("Vector.Sum(", chosenText, StringComparison.Ordinal);
        Assert.Contains("4 * Vector<float>.Count", chosenText, StringComparison.Ordinal);

        // Every loop forced to the general scalar nest, nothing hoisted, every product to scalar dot products.
        LayerCompiler.PlanOverride.Value = ForceGeneralLoops;
        GeneratorRun forced;
        try
        {
            forced = GeneratorHarness.Run<LayerGenerator>("// every loop forced to the general order\n" + Layer);
        }
        finally
        {
            LayerCompiler.PlanOverride.Value = null;
        }

        forced.AssertClean();
        string forcedText = forced.Source("LoopChoiceCheck.Centered.g.cs");
        Assert.DoesNotContain("Value = ", forcedText, StringComparison.Ordinal);
        Assert.DoesNotContain("Vector.Sum(", forcedText, StringComparison.Ordinal);
        Assert.DoesNotContain("4 * Vector<float>.Count", forcedText, StringComparison.Ordinal);
        Assert.DoesNotContain("Vector512", forcedText, StringComparison.Ordinal);
        Assert.Contains("for (int i1 = 0; i1 < units; i1++)", forcedText, StringComparison.Ordinal);

        // The harness ran both through Call and CallEager and they agreed.
        foreach (var run in new[] { chosen, forced })
        {
            var outcome = EagerAgreement.OutcomeOf(run);
            Assert.NotNull(outcome);
            Assert.Null(outcome.Failure);
            Assert.Contains(outcome.Checked, line => line.Contains("Centered", StringComparison.Ordinal));
        }
    }

    /// <summary>The plan with every loop step a scalar nest reading each operand where it is used, products as dot products.</summary>
    private static void ForceGeneralLoops(KernelPlan plan)
    {
        foreach (var step in plan.Loops.Keys.ToList())
        {
            var choice = plan.Loops[step];
            plan.Loops[step] = choice with
            {
                Order = LoopOrder.General,
                Vector = false,
                WidePass = false,
                Operands = choice.Operands.Select(o => o with { Hoist = OperandHoist.InLoop, ReadHoisted = false }).ToList(),
            };
        }

        foreach (int product in plan.Products.Keys.ToList())
        {
            plan.Products[product] = plan.Products[product] with { GemmAboveThreshold = false, Loops = MatMulLoops.ScalarDotProducts };
        }
    }
}
