using System;
using System.Linq;
using System.Text.RegularExpressions;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Each run of backward loops is headed by the forward statement it differentiates (as llm.c does: "forward: …",
/// then "so: …"), and the workspace offsets are named locals that SavedLength reads too.
/// </summary>
public sealed class BackwardHeadingTests
{
    private const string Layer = """
        using LayerGen;

        namespace Headed;

        [Layer(Input = "[*, n]")]
        public partial class TwoSteps(int n)
        {
            [Parameter] Tensor weight = Tensor.Randn(n, n);

            Tensor Forward(Tensor x)
            {
                var h = Ops.Tanh(x.MatMul(weight));
                var scores = h.MatMul(weight);
                return scores.Softmax(-1);
            }
        }
        """;

    [Fact]
    public void Backward_loops_are_headed_by_the_forward_line_they_differentiate_in_reverse_order()
    {
        var run = GeneratorHarness.Run<LayerGenerator>(Layer);
        run.AssertClean();
        string source = run.Source("TwoSteps.g.cs");
        string backward = source.Substring(source.IndexOf("public static void Backward(", StringComparison.Ordinal));
        var heads = Regex.Matches(backward, @"// forward: (.*)").Select(m => m.Groups[1].Value).ToList();

        Assert.Equal("return scores.Softmax(-1);", heads[0]);
        Assert.Contains("var scores = h.MatMul(weight);", heads);
        Assert.Contains("var h = Ops.Tanh(x.MatMul(weight));", heads);
        Assert.True(heads.IndexOf("var scores = h.MatMul(weight);") < heads.LastIndexOf("var h = Ops.Tanh(x.MatMul(weight));"));

        // Each head is followed by what the backward computes for it; a loop that differentiates two lines (the
        // product's gradient with tanh's in its epilogue) names both, latest first.
        Assert.Matches(@"// forward: var scores = h\.MatMul\(weight\);\s*\n\s*// forward: var h = Ops\.Tanh\(x\.MatMul\(weight\)\);\s*\n\s*// so: \w+ = scoresGrad·weightᵀ \* \(1 - h \* h\)", backward);
    }

    [Fact]
    public void Workspace_offsets_are_named_once_and_saved_length_reads_them()
    {
        string source = GeneratorHarness.Run<LayerGenerator>(Layer).Source("TwoSteps.g.cs");

        Assert.Contains("int hAt = 0;", source, StringComparison.Ordinal);
        Assert.Contains("Span<float> h = saved.Slice(hAt, rows * n_n);", source, StringComparison.Ordinal);
        Assert.Matches(@"int \w+At = hAt \+ rows \* n_n;", source);
        Assert.Matches(@"public static int SavedLength\(int n_n, int rows\)\s*\{\s*int hAt = 0;", source);
        Assert.DoesNotMatch(@"saved\.Slice\(rows", source);
    }
}
