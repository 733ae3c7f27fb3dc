using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// A layer without <c>[Layer(Input = ...)]</c> gets its input's shape by unification over the whole forward, not
/// from the first use of the input: each use adds what it knows (a broadcast with a parameter, a matrix product),
/// and an axis read before the size is known is settled by a later use. The generated <c>[LayerSignature]</c> names
/// the shape found; the harness then runs the layer both ways (<c>Call</c> and <c>CallEager</c>).
/// </summary>
public sealed class InputShapeInferenceTests
{
    [Fact]
    public void A_layer_norm_written_as_the_d2l_book_writes_it_takes_its_features_from_gamma()
    {
        // Mean(-1) comes first, when nothing yet says how many axes x has; gamma * (x - mean) says [*, normalizedShape].
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>("""
            using LayerGen;

            namespace Norms;

            [Layer]
            public partial class LayerNorm(int normalizedShape)
            {
                [Parameter] Tensor gamma = Tensor.Ones(normalizedShape);
                [Parameter] Tensor beta = Tensor.Zeros(normalizedShape);

                Tensor Forward(Tensor x)
                {
                    var mean = x.Mean(-1, keepDim: true);
                    var variance = ((x - mean) * (x - mean)).Mean(-1, keepDim: true);
                    return gamma * (x - mean) / Ops.Sqrt(variance + 1e-5f) + beta;
                }
            }

            public static class Build
            {
                public static LayerNorm Create() => new LayerNorm(8);
            }
            """);

        run.AssertClean();
        Assert.Equal("(\"normalizedShape\", \"[*, normalizedShape]\", \"[*, normalizedShape]\")", Signature(run.Source("LayerNorm.g.cs")));
    }

    [Fact]
    public void A_later_matrix_product_fixes_the_features_an_earlier_reduction_only_counted()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>("""
            using LayerGen;

            namespace Norms;

            [Layer]
            public partial class CenteredLinear(int inputs, int outputs)
            {
                [Parameter] Tensor weight = Tensor.Randn(inputs, outputs);

                Tensor Forward(Tensor x) => (x - x.Max(-1, true)).MatMul(weight);
            }
            """);

        run.AssertClean();
        Assert.Equal("(\"inputs, outputs\", \"[*, inputs]\", \"[*, outputs]\")", Signature(run.Source("CenteredLinear.g.cs")));
    }

    [Fact]
    public void A_second_input_nothing_declares_is_pinned_by_its_uses_as_the_first_is()
    {
        // y meets x W (so [*, units]); v's axis is read before x, through a parameter, pins both to [*, d].
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>("""
            using LayerGen;

            namespace Inputs;

            [Layer]
            public partial class ProjectedSum(int inUnits, int units)
            {
                [Parameter] Tensor weight = Tensor.Randn(inUnits, units);

                Tensor Forward(Tensor x, Tensor y) => x.MatMul(weight) + y;
            }

            [Layer]
            public partial class GatedCentred(int d)
            {
                [Parameter] Tensor gate = Tensor.Randn(d);

                Tensor Forward(Tensor x, Tensor v)
                {
                    var centred = v - v.Mean(-1, keepDim: true);
                    return Ops.Sigmoid(x * gate) * centred;
                }
            }
            """);

        run.AssertClean();
        Assert.Equal("(\"inUnits, units\", \"[*, inUnits]; [*, units]\", \"[*, units]\")", Signature(run.Source("ProjectedSum.g.cs")));
        Assert.Equal("(\"d\", \"[*, d]; [*, d]\", \"[*, d]\")", Signature(run.Source("GatedCentred.g.cs")));
        var outcome = EagerAgreement.OutcomeOf(run);
        Assert.NotNull(outcome);
        Assert.Null(outcome!.Failure);
        Assert.Equal(2, outcome.Checked.Count);
    }

    /// <summary>The arguments of the generated <c>[LayerSignature(sizes, input, output)]</c>.</summary>
    private static string Signature(string source)
    {
        const string Attribute = "LayerSignature(";
        string line = System.Array.Find(source.Split('\n'), l => l.Contains(Attribute, System.StringComparison.Ordinal))!;
        int start = line.IndexOf(Attribute, System.StringComparison.Ordinal) + Attribute.Length - 1;
        return line[start..(line.LastIndexOf(')') + 1)];
    }
}
