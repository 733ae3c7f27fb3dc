using System;
using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Hyperparameter scalars in every place a float constant may go (operands, Elu's alpha, Softplus's beta and
/// threshold, a constant branch of Where, a comparison's operand, Pow's exponent): the layer compiles cleanly, and
/// the harness runs it through the generated kernels and the eager path on both kernels (EagerAgreement), which
/// must agree — asserted here to have happened, with the hyperparameters the harness passes (defaults, else 0.25).
/// </summary>
public sealed class HyperparameterEmissionTests
{
    [Fact]
    public void Scalars_of_the_constructor_in_every_float_argument_agree_with_the_eager_path()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using System;
            using LayerGen;

            namespace Hyper;

            [Layer(Input = "[*, n]")]
            public partial class Everywhere(int n, float alpha, double beta = 2.0, float threshold = 1.5f, float floor = -0.75f, float power = 2f)
            {
                [Parameter] Tensor scale = Tensor.Randn(n) * 0.5f;

                Tensor Forward(Tensor x)
                {
                    var h = x * scale * (float)Math.Sqrt(n) / MathF.Sqrt(n);
                    var a = Ops.Elu(h, alpha) + Ops.Softplus(h, (float)beta, threshold * 2f);
                    var b = Ops.Where(h > floor, h, floor * 2f) * h.Gt(-alpha);
                    return a + b + Ops.Abs(h).Pow(power + 0.5f) + Ops.LeakyRelu(h, alpha / n);
                }
            }

            public static class Build
            {
                public static Everywhere Create(float alpha) => new Everywhere(6, alpha);
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity != DiagnosticSeverity.Hidden));
        Assert.Empty(run.CompilationDiagnostics);
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        Assert.Contains(outcome.Checked, line => line.StartsWith("Hyper.Everywhere", StringComparison.Ordinal));
    }

    [Fact]
    public void A_loss_with_a_hyperparameter_compiles_cleanly()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Hyper;

            /// <summary>Huber's loss with its delta as a constructor parameter (torch.nn.HuberLoss(delta=...)).</summary>
            [Loss(Input = "[*, n]")]
            public partial class Huber(int n, float delta = 1f)
            {
                Tensor Forward(Tensor input, Tensor target)
                {
                    var error = Ops.Abs(input - target);
                    var quadratic = error.Clamp(0f, delta);
                    return (0.5f * quadratic * quadratic + delta * (error - quadratic)).Mean();
                }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity != DiagnosticSeverity.Hidden));
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("float delta", run.GeneratedSources.Single().Value, StringComparison.Ordinal);
    }
}
